"""What differs from source to source: which fields a row must have (the mapping's `required`), where the header is
(under a title, or the row given), and values a mapping feeds that cannot be stored, said rather than dropped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.registry import services
from sakme.registry.importing.mapping import MAPPINGS_DIR, load_mapping_file, parse_map_option
from sakme.registry.models import Enrolment, ImportBatch, Person, SourceRecord
from sakme.registry.tests.malformed import csv_text, row, run, ssa, write

WORKNET_HEADER = ["worknet_id", "personal_id", "first_name", "last_name", "birth_date", "gender", "municipality",
                  "address", "mobile", "registered_at"]


def worknet_row(n: int, first_name: str = "Nino", last_name: str = "Beridze") -> list[str]:
    return [f"W{n}", f"0100101{n:04d}", first_name, last_name, "1990-05-17", "female", "Kutaisi", "Rustaveli 5",
            "599123456", "2024-01-15"]


def worknet_file(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([WORKNET_HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- which fields a row must have, per source -------------------------------------------------------------------------

def test_a_job_seeker_without_a_given_name_is_kept_for_linkage_with_a_warning(territory, tmp_path):
    path = worknet_file(tmp_path / "worknet.csv", [worknet_row(1), worknet_row(2, first_name="")])
    batch = services.import_file(actor=SYSTEM, source_code="worknet", path=path,
                                 mapping=load_mapping_file(MAPPINGS_DIR / "worknet.toml"))
    assert (batch.status, batch.created, batch.error_count) == (ImportBatch.Status.SUCCEEDED, 2, 0), batch.message
    assert [(p.row, p.column, p.severity, p.code) for p in batch.problems.all()] == [
        (3, "first_name", "warning", "name_missing_kept")]
    person = Person.objects.get(source_records__key="W2")
    assert (person.given_name_lat, person.family_name_lat) == ("", "Beridze")


def test_without_a_required_list_a_row_needs_both_names_as_before(territory, tmp_path):
    mapping = load_mapping_file(MAPPINGS_DIR / "worknet.toml")
    mapping.required = ("given_name", "family_name")  # what a mapping that says nothing requires
    path = worknet_file(tmp_path / "worknet.csv", [worknet_row(1), worknet_row(2, first_name="")])
    batch = services.import_file(actor=SYSTEM, source_code="worknet", path=path, mapping=mapping)
    assert batch.status == ImportBatch.Status.FAILED
    assert [(p.row, p.column, p.code) for p in batch.problems.all()] == [(3, "first_name", "name_empty")]
    assert ssa().required == ("given_name", "family_name")


def test_a_required_field_is_needed_in_every_row_and_in_the_header(territory, tmp_path):
    toml = tmp_path / "strict.toml"
    toml.write_text((MAPPINGS_DIR / "ssa.toml").read_text(encoding="utf-8").replace(
        'delimiter = ";"', 'delimiter = ";"\nrequired = ["given_name", "family_name", "birth_date"]'),
        encoding="utf-8")
    mapping = load_mapping_file(toml)
    batch = run(write(tmp_path / "ssa.csv", [row(1), row(2, dabadebis_tarigi="")]), mapping)
    assert [(p.row, p.column, p.code) for p in batch.problems.all()] == [(3, "dabadebis_tarigi", "value_missing")]
    assert batch.status == ImportBatch.Status.FAILED


@pytest.mark.parametrize("text,says", [
    ('required = ["nickname"]', "nickname"),
    ('required = "family_name"', "list of fields"),
    ('required = ["phone"]\n[lenient]\nphone = "blank"', "both required and lenient"),
])
def test_a_wrong_required_list_refuses_the_mapping(tmp_path, text, says):
    toml = tmp_path / "m.toml"
    toml.write_text(f'source = "ssa"\n{text}\n[columns]\nsaxeli = "given_name"\n', encoding="utf-8")
    with pytest.raises(DomainError, match=says):
        load_mapping_file(toml)


# -- the header under a title, or given -------------------------------------------------------------------------------

def test_a_header_below_the_first_rows_looked_at_is_given_by_its_row(earlier, tmp_path):
    path = tmp_path / "ssa.csv"
    path.write_text("\n".join(f"note {n}" for n in range(1, 26)) + "\n" + csv_text([row(1), row(2, sqesi="X")]),
                    encoding="utf-8")
    refused = run(path)
    assert refused.status == ImportBatch.Status.FAILED and "lacks the column(s)" in refused.message
    out = io.StringIO()
    call_command("import", "persons", str(path), "--mapping", "ssa", "--partial", "--header-row", "26", stdout=out)
    assert "created 1" in out.getvalue() and "row 28, sqesi = 'X': unknown sex" in out.getvalue()
    assert SourceRecord.objects.get(key="SSA1").row == 27  # the file's own row numbers


def test_a_header_row_given_that_is_empty_or_past_the_end_is_refused(earlier, tmp_path):
    path = tmp_path / "ssa.csv"
    path.write_text("title\n\n" + csv_text([row(1)]), encoding="utf-8")
    with pytest.raises(CommandError, match="row 2, given as the header, is empty"):
        call_command("import", "persons", str(path), "--mapping", "ssa", "--header-row", "2", stdout=io.StringIO())
    with pytest.raises(CommandError, match="has no row 9"):
        call_command("import", "persons", str(path), "--mapping", "ssa", "--header-row", "9", stdout=io.StringIO())
    with pytest.raises(DomainError, match="1 or more"):
        run(path, header_row=0)


# -- values that cannot be stored are said ----------------------------------------------------------------------------

def test_a_score_without_the_household_column_is_said_once_for_the_batch(territory, tmp_path):
    header = ["chanaceris_id", "saxeli", "gvari", "sareitingo_qula", "shefasebis_tarigi"]
    path = tmp_path / "ssa.csv"
    path.write_text(csv_text([["SSA1", "ნინო", "ბერიძე", "28500", "03.02.2024"],
                              ["SSA2", "გიორგი", "ბერიძე", "28500", "03.02.2024"]], header), encoding="utf-8")
    mapping = parse_map_option("chanaceris_id=source_key,saxeli=given_name,gvari=family_name,"
                               "sareitingo_qula=rating_score,shefasebis_tarigi=assessment_date")
    batch = run(path, mapping)
    assert (batch.status, batch.created) == (ImportBatch.Status.SUCCEEDED, 2)
    said = [(p.row, p.column, p.severity, p.code, p.params) for p in batch.problems.all()]
    assert said == [(1, "sareitingo_qula", "warning", "column_not_stored", {"needs": "household_key"}),
                    (1, "shefasebis_tarigi", "warning", "column_not_stored", {"needs": "household_key"})]
    assert "needs the column “household_key”" in batch.problems.first().message


def test_a_score_of_a_row_without_household_or_date_is_said_on_that_row(territory, tmp_path):
    rows = [row(1), row(2, ojaxis_kodi=""), row(3, shefasebis_tarigi=""), row(4, natesauri_kavshiri="",
                                                                            sareitingo_qula="", statusi="")]
    batch = run(write(tmp_path / "ssa.csv", rows))
    assert (batch.status, batch.created, batch.error_count) == (ImportBatch.Status.SUCCEEDED, 4, 0)
    assert [(p.row, p.column, p.code) for p in batch.problems.all()] == [
        (3, "natesauri_kavshiri", "not_stored_no_household"), (3, "sareitingo_qula", "not_stored_no_household"),
        (3, "shefasebis_tarigi", "not_stored_no_household"), (3, "statusi", "not_stored_no_household"),
        (4, "sareitingo_qula", "not_stored_no_enrolment"), (4, "statusi", "not_stored_no_enrolment"),
        (5, "shefasebis_tarigi", "not_stored_no_enrolment"),  # a date without a score: no enrolment either
    ]  # (row 5's blank relation and status are no values: nothing to say of them)
    assert Enrolment.objects.filter(household__key="H1").exists()
    assert not Enrolment.objects.filter(household__key__in=["H3", "H4"]).exists()
