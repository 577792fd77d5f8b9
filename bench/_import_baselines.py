"""The baselines of the import benchmark (see import_persons.py): the plain limit (the same rows into the same
indexed tables, no validation) and django-import-export. Each runs in its own subprocess, as a task of
import_persons.py."""

from __future__ import annotations

import csv
import time
from typing import Any

import _common as c
from _import_tables import CHUNK, TABLES, empty_tables


def _iso(day: str) -> str | None:
    return f"{day[6:10]}-{day[3:5]}-{day[0:2]}" if day else None


def task_plain(path: str, tables: list[str]) -> dict[str, Any]:
    """The limit: the file's rows into the same indexed tables, no validation (see the module docstring)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sakme.geo.models import Municipality, TerritorialUnit
    from sakme.registry.importing import fields as clean
    from sakme.registry.models import ImportBatch, SourceSystem

    empty_tables()
    pg = connection.vendor == "postgresql"
    source = SourceSystem.objects.get(code="ssa")
    batch = ImportBatch.objects.create(source=source, file_name="plain-copy", file_sha256="", status="succeeded")
    municipality = {m.name_ka: m.pk for m in Municipality.objects.all()}
    unit: dict[int, int] = {}
    for u in TerritorialUnit.objects.order_by("code"):
        unit.setdefault(u.municipality_id, u.pk)
    sex, disability, relation, status = clean._SEX, clean._DISABILITY, clean._RELATION, clean._STATUS
    now: Any = timezone.now()
    if not pg:
        now = connection.ops.adapt_datetimefield_value(now)
    wanted = set(tables)
    columns = {
        # The number as it came, into the column of its hash: the plain copy seals and hashes nothing (sakme does).
        "registry_person": ("id", "personal_number_digest", "given_name_ka", "family_name_ka", "given_name_lat",
                            "family_name_lat", "family_key", "given_key", "birth_date", "sex", "municipality_id",
                            "unit_id", "address", "phone", "disability_status", "primary_source_id", "version",
                            "created_at", "updated_at"),
        "registry_sourcerecord": ("source_id", "key", "person_id", "batch_id", "row", "personal_number_digest",
                                  "given_name", "family_name", "birth_date", "sex", "municipality_id", "address",
                                  "phone", "registered_at"),
        "registry_household": ("id", "source_id", "key", "municipality_id", "unit_id", "address", "created_at",
                               "updated_at"),
        "registry_membership": ("household_id", "person_id", "relation", "created_at", "updated_at"),
        "registry_enrolment": ("household_id", "rating_score", "assessment_date", "status", "created_at",
                               "updated_at"),
    }
    buffers: dict[str, list[tuple[Any, ...]]] = {t: [] for t in tables}
    spent = {t: 0.0 for t in tables}

    def flush(cursor: Any) -> None:
        for name in TABLES:
            rows = buffers.get(name)
            if not rows:
                continue
            started = time.perf_counter()
            names = ", ".join(columns[name])
            if pg:
                with cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * len(columns[name]))})",
                                   rows)
            spent[name] += time.perf_counter() - started
            rows.clear()

    rows_read = 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the driver's cursor: psycopg (COPY) or sqlite3 (executemany)
        if pg:
            cursor.execute("SET LOCAL datestyle = 'ISO, DMY'")  # COPY reads 09.06.1987 itself
        date = (lambda d: d or None) if pg else _iso
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=";")
            at = {h: i for i, h in enumerate(next(reader))}
            (i_key, i_pn, i_given, i_family, i_birth, i_sex, i_mun, i_addr, i_phone, i_dis, i_hh, i_rel, i_score,
             i_assessed, i_status) = (at[h] for h in (
                "chanaceris_id", "piradi_nomeri", "saxeli", "gvari", "dabadebis_tarigi", "sqesi", "municipaliteti",
                "misamarti", "telefoni", "shshm_statusi", "ojaxis_kodi", "natesauri_kavshiri", "sareitingo_qula",
                "shefasebis_tarigi", "statusi"))
            household_key, household_id = None, 0
            person = buffers.get("registry_person")
            record = buffers.get("registry_sourcerecord")
            household = buffers.get("registry_household")
            membership = buffers.get("registry_membership")
            enrolment = buffers.get("registry_enrolment")
            for line, cells in enumerate(reader, start=2):
                rows_read += 1
                person_id = line - 1
                pn, given, family, birth = cells[i_pn] or None, cells[i_given], cells[i_family], date(cells[i_birth])
                s = sex.get(cells[i_sex], "")
                mun = municipality.get(cells[i_mun])
                unit_id = unit.get(mun)  # type: ignore[arg-type]
                address, phone = cells[i_addr], cells[i_phone]
                if person is not None:
                    person.append((person_id, pn, given, family, "", "", family, given, birth, s, mun, unit_id,
                                   address, phone, disability.get(cells[i_dis], ""), source.pk, 1, now, now))
                if record is not None:
                    record.append((source.pk, cells[i_key], person_id, batch.pk, line, pn, given, family,
                                   birth, s, mun, address, phone, None))
                if "registry_household" in wanted:
                    if cells[i_hh] != household_key:
                        household_key = cells[i_hh]
                        household_id += 1
                        household.append((household_id, source.pk, household_key, mun, unit_id,  # type: ignore
                                          address, now, now))
                        enrolment.append((household_id, int(cells[i_score]), date(cells[i_assessed]),  # type: ignore
                                          status.get(cells[i_status], "active"), now, now))
                    membership.append((household_id, person_id, relation.get(cells[i_rel], "other"),  # type: ignore
                                       now, now))
                if rows_read % CHUNK == 0:
                    flush(cursor)
            flush(cursor)
        commit_started = time.perf_counter()
    commit = time.perf_counter() - commit_started  # deferred foreign-key checks run here
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows_read, "tables": tables, "copy_s": spent, "commit_s": commit,
            "peak_rss_mb": c.peak_rss_mb()}


def task_import_export(path: str, rows: int) -> dict[str, Any]:
    """django-import-export: a ModelResource for Person, import_data of the first `rows` rows."""
    import tablib
    from import_export import resources

    from sakme.common.georgian import fold, romanize
    from sakme.geo.models import Municipality, TerritorialUnit
    from sakme.registry.importing import fields as clean
    from sakme.registry.models import Person, SourceSystem

    empty_tables()

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person
            # "id" is the default import id field; the dataset has no id column, so every row is created
            # without a look-up (the cheapest way django-import-export can write).
            fields = ("id", "personal_number_digest", "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat",
                      "given_key", "family_key", "birth_date", "sex", "municipality", "unit", "address", "phone",
                      "disability_status", "primary_source")

    headers = [f for f in PersonResource.Meta.fields if f != "id"]
    municipality = {m.name_ka: m.pk for m in Municipality.objects.all()}
    unit: dict[int, int] = {}
    for u in TerritorialUnit.objects.order_by("code"):
        unit.setdefault(u.municipality_id, u.pk)
    source = SourceSystem.objects.get(code="ssa").pk
    # Untimed preparation: the rows already mapped onto Person's columns (names romanized and folded as sakme
    # does), so that the timed part is django-import-export's own work.
    prepared = time.perf_counter()
    dataset = tablib.Dataset(headers=headers)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        at = {h: i for i, h in enumerate(next(reader))}
        for n, cells in enumerate(reader):
            if n >= rows:
                break
            pn = cells[at["piradi_nomeri"]]
            pn = ("0" + pn if len(pn) == 10 else pn) or None
            given, family = " ".join(cells[at["saxeli"]].split()), " ".join(cells[at["gvari"]].split())
            mun = municipality.get(cells[at["municipaliteti"]])
            phone = "".join(ch for ch in cells[at["telefoni"]] if ch.isdigit())[-9:]
            dataset.append((pn, given, family, romanize(given), romanize(family), fold(given), fold(family),
                            _iso(cells[at["dabadebis_tarigi"]]), clean._SEX.get(cells[at["sqesi"]], ""), mun,
                            unit.get(mun), cells[at["misamarti"]], phone,  # type: ignore[arg-type]
                            clean._DISABILITY.get(cells[at["shshm_statusi"]], ""), source))
    prepare_s = time.perf_counter() - prepared
    resource = PersonResource()
    started = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        first = result.row_errors()[:1] or result.invalid_rows[:1]
        raise SystemExit(f"django-import-export reported errors: {first}")
    written = Person.objects.count()
    return {"seconds": seconds, "rows": len(dataset), "written": written, "prepare_s": prepare_s,
            "totals": dict(result.totals), "peak_rss_mb": c.peak_rss_mb()}
