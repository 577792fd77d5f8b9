"""The problems an import reports, by code: what is wrong and what would be right, in the reader's language.

A problem is stored as its code and parameters (`ImportProblem.code`, `.params`) and put into words only when it is
shown (the import page, the API, the error file, the command line), so a data steward reads it in their language
whatever the language of the import. `message`/`expected` keep the English text beside the code, and are what is
shown of a problem stored before codes (its code is blank).

Each entry: code -> (what is wrong, what would be right), both %-templates over the parameters. What would be right
is None where it is the value repaired, given as the parameter `repaired` (a number with its zero restored, a name
with its encoding undone): a value, not words to translate.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

NUMBER = _("11 digits, e.g. 01001012345")
A_NAME = _("the name in Georgian or Latin letters")
CATALOGUE: dict[str, tuple[str, str | None]] = {
    # one value (fields.py, lookups.py)
    "number_scientific": (_("Excel turned the number into scientific notation and lost digits"),
                          _("11 digits stored as text, e.g. 01001012345 (format the column as Text in Excel)")),
    "number_not_digits": (_("a personal number has digits only"), NUMBER),
    "number_length": (_("a personal number has 11 digits, this one has %(n)d"), NUMBER),
    "number_zero_restored": (_("10 digits: the leading zero was restored"), None),
    "name_empty": (_("the name is empty"), A_NAME),
    "name_lookalikes": (_("Cyrillic letters that look Latin were replaced"), None),
    "name_not_letters": (_("the name contains characters that are not letters: %(c)s"),
                         _("Georgian or Latin letters, spaces, hyphens")),
    "name_mixed_scripts": (_("the name mixes Georgian and Latin letters"), _("the name in one script")),
    "name_no_letters": (_("the name has no letters"), A_NAME),
    "name_too_long": (_("the name is too long: %(n)d letters in Latin transliteration, at most %(m)d"),
                      _("the given or family name alone")),
    "text_garbled": (_("garbled text: UTF-8 read as Windows-1252 (“áƒ…” for Georgian letters)"), None),
    "date_year_only": (_("only a year: the day and month are missing"), _("DD.MM.YYYY, e.g. 25.03.1987")),
    "date_swapped_day_first": (_("month %(m)s does not exist: month and day seem swapped"),
                               _("day first: DD.MM.YYYY, e.g. 25.03.1987")),
    "date_swapped_year_first": (_("month %(m)s does not exist: month and day seem swapped"),
                                _("year first: YYYY-MM-DD, e.g. 1987-03-25")),
    "date_invalid": (_("not a date"), _("DD.MM.YYYY or YYYY-MM-DD, e.g. 25.03.1987")),
    "date_future": (_("the date is in the future"), _("a date not after today")),
    "date_too_early": (_("the date is before %(d)s"), _("a real date")),
    "sex_unknown": (_("unknown sex"), _("M or F (მ or ქ, male or female)")),
    "phone_invalid": (_("a Georgian phone number has 9 digits after +995"), _("e.g. 599123456 or +995 599 12 34 56")),
    "disability_unknown": (_("unknown disability status"),
                           _("empty, moderate, significant or severe (ზომიერი, მნიშვნელოვანი, მკვეთრი)")),
    "relation_unknown": (_("unknown relation to the head of household"),
                         _("head, spouse, child, parent, sibling, grandchild, grandparent or other")),
    "status_unknown": (_("unknown enrolment status"), _("active, applied, suspended or terminated")),
    "score_not_number": (_("not a number"), _("a whole number from 0 to 500000, e.g. 28500")),
    "score_out_of_range": (_("a rating score is a whole number from 0 to 500000"), _("e.g. 28500")),
    "code_too_long": (_("longer than %(n)d characters"), _("a code of at most %(n)d characters")),
    "address_cut": (_("longer than %(n)d characters: only the first %(n)d are kept"),
                    _("an address of at most %(n)d characters")),
    "municipality_unknown": (_("unknown municipality"), _("a municipality's name in Georgian or English, e.g. %(e)s")),
    "unit_unknown": (_("unknown territorial unit code"), _("a unit code such as TB-1 or KA-TEL")),
    # one row (rows.py, needs.py)
    "row_width": (_("the row has %(n)d cells but the header has %(m)d: a value holds the delimiter or a line "
                    "break without quotes, or cells are missing"),
                  _("one cell per column; a value with the delimiter or a line break in double quotes")),
    "cell_too_long": (_("the value is longer than %(n)s characters, the most a cell holds; it was not read"),
                      _("a value of at most %(n)s characters")),
    "row_no_key": (_("the row has neither a source key nor a personal number"),
                   _("the person's key in the source system, or an 11-digit personal number")),
    "value_missing": (_("the value is missing; this source's mapping requires it in every row"),
                      _("a value in this column")),
    "name_missing_kept": (_("the name is missing: the record is kept for linkage, without it"), A_NAME),
    "not_stored_no_household": (_("not stored: the row has no household key"),
                                _("the household's key in the same row")),
    "not_stored_no_enrolment": (_("not stored: an enrolment needs a rating score and an assessment date"),
                                _("the household's rating score and assessment date in the same row")),
    "column_not_stored": (_("no value of this column is stored: it needs the column “%(needs)s”, which the mapping "
                            "does not have"),
                          _("a mapping with the column for %(needs)s, or none for this one")),
    # the whole batch (checks.py, pipeline.py)
    "duplicate": (_("the same value as row %(other)s: one person per row"),
                  _("a value that no other row of the file has")),
    "household_score_differs": (_("the household's rating score differs from row %(other)s"),
                                _("the same rating score for every member of a household")),
    "household_date_differs": (_("the household's assessment date differs from row %(other)s"),
                               _("the same assessment date for every member of a household")),
    "same_person": (_("describes the same person as row %(other)s"), _("one row per person")),
    "number_elsewhere": (_("this personal number belongs to another person with another birth date; "
                           "kept on the source record only"),
                         _("check the number; record linkage will offer the pair for review")),
}
LEFT_OUT = _(" (left out)")  # said after a lenient field's problem: the value was left out, the row kept


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):  # parameters of another version of the template: say it unfilled
        return gettext(template)


def problem_text(code: str, params: dict[str, Any]) -> tuple[str, str]:
    """What is wrong and what would be right, in the active language (an unknown code is said as itself)."""
    if code not in CATALOGUE:
        return code, str(params.get("repaired", ""))
    message, expected = CATALOGUE[code]
    said = _fill(message, params) + (gettext(LEFT_OUT) if params.get("left_out") else "")
    return said, _fill(expected, params) if expected is not None else str(params.get("repaired", ""))


def problem_text_en(code: str, params: dict[str, Any]) -> tuple[str, str]:
    """The same in English: what `ImportProblem.message`/`expected` keep beside the code."""
    with translation.override("en"):
        return problem_text(code, params)


def problem_shown(code: str, params: dict[str, Any], message: str, expected: str) -> tuple[str, str]:
    """A stored problem in the reader's language; one stored before codes (no code) as it was written."""
    return problem_text(code, params) if code else (message, expected)
