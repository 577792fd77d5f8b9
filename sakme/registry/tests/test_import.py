"""Importing persons files: good files land whole, bad files land not at all and say why, per row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AuditEvent
from sakme.registry import services
from sakme.registry.importing.mapping import load_mapping_file, parse_map_option
from sakme.registry.models import Enrolment, Household, ImportBatch, Membership, NameKey, Person, SourceRecord
from sakme.registry.selectors import person_search
from sakme.tests.factories import by_number, number_of

HEADER = ["chanaceris_id", "piradi_nomeri", "saxeli", "gvari", "dabadebis_tarigi", "sqesi", "municipaliteti",
          "misamarti", "ojaxis_kodi", "natesauri_kavshiri", "sareitingo_qula", "shefasebis_tarigi", "statusi"]
ROWS = [
    ["SSA1", "01001012345", "ნინო", "ბერიძე", "17.05.1990", "ქ", "ქუთაისი", "ჭავჭავაძის ქ. 5", "H1", "ოჯახის უფროსი",
     "28500", "03.02.2024", "აქტიური"],
    ["SSA2", "01001012346", "გიორგი", "ბერიძე", "01.11.1988", "მ", "ქუთაისი", "ჭავჭავაძის ქ. 5", "H1", "მეუღლე",
     "28500", "03.02.2024", "აქტიური"],
    ["SSA3", "1001012347", "  მარიამ ", "კაპანაძე", "1975-03-09", "ქ", "თბილისი", "საბურთალო, ვაჟა-ფშაველას 12",
     "H2", "ოჯახის უფროსი", "61 000", "10.10.2023", "შეჩერებული"],
]
MAPPING = parse_map_option(
    "chanaceris_id=source_key,piradi_nomeri=personal_number,saxeli=given_name,gvari=family_name,"
    "dabadebis_tarigi=birth_date,sqesi=sex,municipaliteti=municipality,misamarti=address,ojaxis_kodi=household_key,"
    "natesauri_kavshiri=relation_to_head,sareitingo_qula=rating_score,shefasebis_tarigi=assessment_date,"
    "statusi=enrolment_status"
)


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ";", bom: bool = True,
              header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    path.write_bytes((("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding))
    return path


def run(path: Path, mapping=MAPPING, source: str = "ssa", **kwargs) -> ImportBatch:
    return services.import_file(actor=SYSTEM, source_code=source, path=path, mapping=mapping, **kwargs)


def snapshot() -> tuple:
    return (
        sorted(Person.objects.values_list("personal_number_digest", "given_name_ka", "family_name_lat", "birth_date",
                                          "version")),
        SourceRecord.objects.count(), Household.objects.count(), Membership.objects.count(),
        sorted(Enrolment.objects.values_list("rating_score", "status")),
    )


@pytest.mark.parametrize("delimiter,bom", [(";", True), (",", False), ("\t", True), ("\t", False)])
def test_a_good_file_lands_whole(territory, tmp_path, delimiter, bom):
    batch = run(write_csv(tmp_path / "ssa.csv", ROWS, delimiter=delimiter, bom=bom))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.rows_total, batch.created, batch.updated, batch.error_count) == (3, 3, 0, 0)
    nino = by_number("01001012345")
    assert (nino.given_name_lat, nino.family_name_lat, nino.family_key) == ("Nino", "Beridze", "berize")
    assert nino.birth_date == dt.date(1990, 5, 17) and nino.sex == "F"
    assert nino.unit.code == "IM-KUT"  # Kutaisi's regional centre serves the municipality
    mariam = by_number("01001012347")  # the leading zero Excel dropped, restored
    assert mariam.given_name_ka == "მარიამ" and mariam.unit.code == "TB-2"  # Saburtalo is served by centre 2
    assert batch.warning_count == 1
    assert batch.problems.get().row == 4
    household = Household.objects.get(key="H1")
    assert household.memberships.count() == 2
    assert Enrolment.objects.get(household=household).rating_score == 28500
    assert Enrolment.objects.get(household__key="H2").status == "suspended"
    record = SourceRecord.objects.get(key="SSA2")
    assert (record.source.code, record.batch_id, record.row, record.given_name) == ("ssa", batch.pk, 3, "გიორგი")
    assert AuditEvent.objects.filter(action="import.succeeded", entity_id=str(batch.pk)).exists()


def test_xlsx_with_excel_cells(territory, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["SSA1", 1001012345, "ნინო", "ბერიძე", dt.datetime(1990, 5, 17), "ქ", "ქუთაისი", "", "H1",
                  "ოჯახის უფროსი", 28500.0, dt.datetime(2024, 2, 3), "აქტიური"])
    sheet.append(["SSA2", "01001012346", "Giorgi", "Beridze", 32448, "m", "Kutaisi", "", "H1", "spouse", 28500,
                  "03.02.2024", "active"])
    book.save(tmp_path / "ssa.xlsx")
    batch = run(tmp_path / "ssa.xlsx")
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert by_number("01001012345").birth_date == dt.date(1990, 5, 17)
    giorgi = by_number("01001012346")
    assert giorgi.birth_date == dt.date(1988, 11, 1)  # an Excel serial day number
    assert (giorgi.given_name_ka, giorgi.given_name_lat, giorgi.sex) == ("", "Giorgi", "M")


def test_the_same_file_twice_changes_nothing(territory, tmp_path):
    path = write_csv(tmp_path / "ssa.csv", ROWS)
    run(path)
    before = snapshot()
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_changed_row_updates_the_person_and_bumps_its_version(territory, tmp_path):
    run(write_csv(tmp_path / "a.csv", ROWS))
    changed = [r[:] for r in ROWS]
    changed[0][7] = "რუსთაველის 1"
    batch = run(write_csv(tmp_path / "b.csv", changed))
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 2)
    nino = by_number("01001012345")
    assert nino.address == "რუსთაველის 1" and nino.version == 2


def test_a_less_trusted_source_only_fills_blanks(territory, tmp_path):
    run(write_csv(tmp_path / "ssa.csv", ROWS))
    worknet = write_csv(tmp_path / "wn.csv", [["WN1", "01001012345", "Nina", "Beridze", "1990-05-17", "female",
                                               "Kutaisi", "Tsereteli 7", "599123456"]], delimiter=",", bom=False,
                        header=["worknet_id", "personal_id", "first_name", "last_name", "birth_date", "gender",
                                "municipality", "address", "mobile"])
    mapping = parse_map_option("worknet_id=source_key,personal_id=personal_number,first_name=given_name,"
                               "last_name=family_name,birth_date=birth_date,gender=sex,municipality=municipality,"
                               "address=address,mobile=phone")
    batch = run(worknet, mapping=mapping, source="worknet")
    assert (batch.created, batch.updated) == (0, 1)
    nino = by_number("01001012345")
    assert nino.given_name_lat == "Nino" and nino.address == "ჭავჭავაძის ქ. 5"  # SSA's values stay
    assert nino.phone == "599123456"  # the blank is filled
    assert sorted(nino.source_records.values_list("source__code", "given_name")) == [("ssa", "ნინო"),
                                                                                     ("worknet", "Nina")]


def test_same_number_other_birth_date_is_kept_apart(territory, tmp_path):
    run(write_csv(tmp_path / "ssa.csv", ROWS))
    other = write_csv(tmp_path / "wn.csv", [["WN9", "01001012345", "Eka", "Lomidze", "1960-01-01"]], delimiter=",",
                      header=["worknet_id", "personal_id", "first_name", "last_name", "birth_date"])
    mapping = parse_map_option("worknet_id=source_key,personal_id=personal_number,first_name=given_name,"
                               "last_name=family_name,birth_date=birth_date")
    batch = run(other, mapping=mapping, source="worknet")
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.created == 1
    eka = Person.objects.get(family_key="lomize")
    assert eka.personal_number_digest is None
    assert number_of(eka.source_records.get()) == "01001012345"
    assert "another person" in batch.problems.get(severity="warning").message


def test_mapping_files_shipped_with_sakme_load():
    folder = Path(__file__).resolve().parents[1] / "mappings"
    names = {p.stem: load_mapping_file(p) for p in folder.glob("*.toml")}
    assert {"ssa", "worknet"} <= set(names)
    assert names["worknet"].source == "worknet" and "personal_number" in names["worknet"].lenient


def test_imported_names_are_found_with_typos(tmp_path, staff):
    NameKey.objects.all().delete()
    run(write_csv(tmp_path / "ssa.csv", ROWS))
    assert set(NameKey.objects.filter(kind="f").values_list("key", flat=True)) == {"berize", "kapanaze"}
    result = person_search(user=staff["data_steward"], query="Kapamadze Mariam")
    assert result.fuzzy and [number_of(p) for p in result.persons] == ["01001012347"]
