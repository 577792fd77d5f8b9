"""Properties of the importer that must hold for any input, not only the inputs we thought of.

(a) the cleaners never fail with anything but `fields.Problem`, and return what they promise;
(b) a whole file with random garbage in random cells either lands whole or not at all, and every problem
    points into the file;
(c) name folding (sakme.common.georgian) is stable: idempotent, script-blind, apostrophe- and case-blind.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sakme.accounts.actors import SYSTEM
from sakme.common.georgian import fold, has_georgian, normalize, romanize
from sakme.demo.generator import SSA_HEADER
from sakme.geo.models import Municipality
from sakme.registry import services
from sakme.registry.importing import fields
from sakme.registry.importing.mapping import load_mapping_file
from sakme.registry.importing.pipeline import Lookups
from sakme.registry.importing.problems import CATALOGUE, problem_text
from sakme.registry.models import (
    DisabilityStatus,
    Enrolment,
    EnrolmentStatus,
    Household,
    ImportBatch,
    Membership,
    Person,
    Relation,
    SourceRecord,
)

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
HEADER = list(SSA_HEADER)
FIXTURES_OK = [HealthCheck.function_scoped_fixture]

# What a cell can be: text from a CSV, or what openpyxl gives for an XLSX cell.
cells = st.one_of(
    st.text(),
    st.none(), st.integers(), st.floats(), st.booleans(), st.dates(), st.datetimes(), st.times(),
    st.from_regex(r"\s*[0-9]{1,12}([.,][0-9]{0,3})?([eE]\+?[0-9]{1,2})?\s*", fullmatch=True),  # number-like
    st.from_regex(r"[0-9]{1,4}[./\-][0-9]{1,4}[./\-][0-9]{1,4}( [0-9]{1,2}:[0-9]{2})?", fullmatch=True),  # date-like
)  # fmt: skip
LATIN_NAME = r"^[a-z]+( [a-z]+)*$"


def clean(cleaner, value, target="x"):
    """Run a cleaner: (True, its value), or (False, None) when it refused the cell with a Problem that says what
    is wrong and what would be right. Any other exception fails the test."""
    try:
        return True, cleaner(value, fields.Notes(), target)
    except fields.Problem as problem:
        assert problem.code in CATALOGUE, problem.code
        message, expected = problem_text(problem.code, problem.params)
        assert message and expected, "a problem says what is wrong and what would be right"
        return False, None


# -- (a) cleaners ---------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(cells)
@example("²²²²²²²²²²²")  # str.isdigit() digits that are not 0-9
@example("٠١٠٠١٠١٢٣٤٥")
@example("\x00")
def test_personal_number_is_none_or_eleven_digits(value):
    ok, number = clean(fields.personal_number, value, "personal_number")
    assert not ok or number is None or re.fullmatch(r"[0-9]{11}", number), number


@settings(max_examples=300, deadline=None)
@given(cells)
@example("²")
@example("1990")
@example("00000")
@example("1990-13-01")
def test_date_is_none_or_a_day_between_1900_and_today(value):
    ok, day = clean(fields.date, value)
    assert not ok or day is None or (type(day) is dt.date and dt.date(1900, 1, 1) <= day <= dt.date.today()), day


@settings(max_examples=300, deadline=None)
@given(cells)
@example("٥٩٩١٢٣٤٥٦")
def test_phone_is_empty_or_nine_digits(value):
    ok, phone = clean(fields.phone, value)
    assert not ok or phone == "" or re.fullmatch(r"[0-9]{9}", phone), phone


georgian_letters = st.characters(min_codepoint=0x10D0, max_codepoint=0x10FF)
name_like = st.text(st.one_of(georgian_letters, st.sampled_from("abcxyzABKHSTZ'’-. аеоі"), st.characters()),
                    max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.one_of(cells, name_like))
@example("-")
@example("ჱ")  # an archaic letter: no romanization
@example("ბერიძე" * 20)
def test_name_gives_both_scripts_and_a_folded_key(value):
    ok, result = clean(fields.name, value, "given_name")
    if not ok:
        return
    georgian, latin, key = result
    assert georgian == "" or (has_georgian(georgian) and not re.search("[A-Za-z]", georgian)), georgian
    assert latin and not has_georgian(latin), latin
    assert re.fullmatch(LATIN_NAME, key), key
    assert max(len(georgian), len(latin), len(key)) <= 100


CHOICES = {
    fields.sex: {"", "M", "F"},
    fields.disability_status: set(DisabilityStatus.values),
    fields.relation: set(Relation.values),
    fields.enrolment_status: set(EnrolmentStatus.values),
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(CHOICES)), cells)
def test_coded_values_are_one_of_their_choices(cleaner, value):
    ok, result = clean(cleaner, value)
    assert not ok or result in CHOICES[cleaner], result


@settings(max_examples=300, deadline=None)
@given(cells)
@example("1_000")
@example("nan")
@example("1e400")
def test_rating_score_is_none_or_a_whole_number_in_range(value):
    ok, score = clean(fields.rating_score, value)
    assert not ok or score is None or (type(score) is int and 0 <= score <= 500_000), score


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([("source_key", 64), ("household_key", 40)]), cells)
def test_codes_fit_their_columns_and_are_never_cut(target_limit, value):
    target, limit = target_limit
    ok, result = clean(fields.code, value, target)
    assert not ok or (result == fields.text(value) and len(result) <= limit), result


@settings(max_examples=300, deadline=None)
@given(cells)
def test_text_is_what_a_database_column_can_hold(value):
    result = fields.text(value)
    assert "\x00" not in result and result == result.strip() and "  " not in result
    ok, address = clean(fields.address, value)
    # Any text is an address (cut to 300), unless it is garbled by a wrong encoding, which is said.
    assert (ok and len(address) <= 300) or fields._GARBLED_RE.search(result)


@pytest.fixture
def lookups(territory) -> Lookups:
    return Lookups()  # built once for all the examples of a test: they only read it


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURES_OK)
@given(value=st.one_of(cells, name_like))
@example(value="ქ. ქუთაისი")
def test_municipality_is_none_or_a_known_one(lookups, value):
    ok, result = clean(lookups.municipality, value)
    assert not ok or result is None or result in set(Municipality.objects.values_list("pk", flat=True))


# -- (b) whole files ------------------------------------------------------------------------------------------------

GIVEN = ["ნინო", "გიორგი", "მარიამ", "Nino", "Giorgi", "ელისაბედ", "O'Neil"]
FAMILY = ["ბერიძე", "კაპანაძე", "ხარაიშვილი", "Beridze", "Tsereteli", "ჭავჭავაძე"]
GOOD = {
    "dabadebis_tarigi": st.dates(dt.date(1930, 1, 1), dt.date(2020, 1, 1)).map(lambda d: d.strftime("%d.%m.%Y")),
    "sqesi": st.sampled_from(["მ", "ქ", "M", "female", ""]),
    "municipaliteti": st.sampled_from(["ქუთაისი", "თბილისი", "Batumi", "ზუგდიდი", ""]),
    "misamarti": st.sampled_from(["ჭავჭავაძის ქ. 5", "საბურთალო, ვაჟა-ფშაველას 12", "", 'Rustaveli "7"; apt 2']),
    "telefoni": st.sampled_from(["599 12 34 56", "+995 511 47 27 49", ""]),
    "shshm_statusi": st.sampled_from(["", "ზომიერი", "მკვეთრი"]),
    "natesauri_kavshiri": st.sampled_from(["ოჯახის უფროსი", "მეუღლე", "შვილი", ""]),
    "statusi": st.sampled_from(["აქტიური", "შეჩერებული", ""]),
}
# Besides random text, values that once broke a whole import (NUL, too long for the column, odd digits).
garbage = st.one_of(st.text(max_size=25), st.sampled_from(
    ["", "31.02.1990", "1990", "1.00101E+10", "X", "ნინო2", "-", "ნი\x00ნო", "ბ" * 101, "H" * 41, "٥٩٩١٢٣٤٥٦"]))


@st.composite
def files(draw) -> list[list[str]]:
    """1-6 rows of good values (households of consecutive rows), about a third of them with a garbage cell."""
    rows = []
    for i in range(draw(st.integers(1, 6))):
        household = draw(st.sampled_from(["H1", "H2", f"H{i + 10}"]))
        score, assessed = {"H1": ("28500", "03.02.2024"), "H2": ("61 000", "10.10.2023")}.get(
            household, ("100", "01.01.2025"))
        values = {
            "chanaceris_id": f"P{i}", "piradi_nomeri": f"770000000{i:02d}", "saxeli": draw(st.sampled_from(GIVEN)),
            "gvari": draw(st.sampled_from(FAMILY)), "ojaxis_kodi": household, "sareitingo_qula": score,
            "shefasebis_tarigi": assessed, **{k: draw(v) for k, v in GOOD.items()},
        }  # fmt: skip
        row = [values[h] for h in HEADER]
        if draw(st.integers(0, 2)) == 0:
            for column in draw(st.sets(st.integers(0, len(HEADER) - 1), min_size=1, max_size=2)):
                row[column] = draw(garbage)
        rows.append(row)
    return rows


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Person, SourceRecord, Household, Membership, Enrolment))


_file_numbers = itertools.count()


@settings(max_examples=45, deadline=None, suppress_health_check=FIXTURES_OK)
@given(rows=files())
def test_a_file_with_garbage_lands_whole_or_not_at_all(territory, tmp_path, rows):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([HEADER, *rows])
    path = tmp_path / f"ssa-{next(_file_numbers)}.csv"
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    with transaction.atomic():  # each example starts from the same registry
        before = counts()
        batch = services.import_file(actor=SYSTEM, source_code="ssa", path=path,
                                     mapping=load_mapping_file(MAPPINGS / "ssa.toml"))
        after = counts()
        problems = list(batch.problems.values_list("row", "column", "severity"))
        transaction.set_rollback(True)
    if batch.status == ImportBatch.Status.SUCCEEDED:
        assert batch.created == len(rows) == after[0] - before[0] == after[1] - before[1]
        assert batch.error_count == 0
    else:
        assert batch.status == ImportBatch.Status.FAILED
        assert after == before, "a refused file wrote rows"
        assert batch.error_count > 0 or (batch.message and not problems), batch.message
    for row, column, _severity in problems:
        assert 2 <= row <= len(rows) + 1, (row, problems)
        assert column in HEADER, (column, problems)


# -- (c) folding names ----------------------------------------------------------------------------------------------

MODERN = "".join(chr(c) for c in range(0x10D0, 0x10F1))  # ა..ჰ
georgian_text = st.text(st.one_of(georgian_letters, st.characters(min_codepoint=0x1C90, max_codepoint=0x1CBF),
                                  st.just(" ")), min_size=1, max_size=30)
names = st.text(st.sampled_from(MODERN + "abcdeghijklmnopqrstuvwxyzABCDGHKSTZ -"), min_size=1, max_size=30)
APOSTROPHES_THAT_WORK = "'’`ʼ‘"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_gives_lower_case_latin_words(text):
    assert re.fullmatch(r"([a-z]+( [a-z]+)*)?", fold(text)), fold(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(georgian_text, names))
def test_fold_of_a_romanized_name_is_the_fold_of_the_name(text):
    assert fold(romanize(text)) == fold(text)
    assert fold(romanize(text, apostrophes=False)) == fold(text)


@settings(max_examples=300, deadline=None)
@given(names, st.lists(st.tuples(st.integers(0, 30), st.sampled_from(APOSTROPHES_THAT_WORK)), max_size=4))
def test_fold_ignores_apostrophes_and_case(text, inserts):
    marked = text
    for position, mark in inserts:
        marked = marked[:position] + mark + marked[position:]
    assert fold(marked) == fold(text)
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), names, georgian_text))
@example("sshh")
@example("სშჰ")
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), georgian_text, st.text(st.sampled_from("e\u0301\u1c9c\u10dc \t\u00a0a1"))))
def test_normalize_skips_only_steps_that_would_change_nothing(text):
    # The fast path (ASCII, already NFC, no Mtavruli) must give what the three steps in full give.
    full = " ".join(unicodedata.normalize("NFC", text).translate(
        {c: c - 0x1C90 + 0x10D0 for c in range(0x1C90, 0x1CBB)}).split())
    assert normalize(text) == full


def test_fold_ignores_the_acute_accent_used_as_an_apostrophe():
    assert fold("Kart´veli") == fold("Kart'veli") == fold("Kartveli")
