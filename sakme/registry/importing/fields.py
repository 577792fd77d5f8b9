"""Cleaning one value of one column, as agencies' exports really write it.

Each cleaner takes the raw cell (a string from CSV, or a str/int/float/datetime from XLSX) and returns
the clean value, or raises `Problem` saying what is wrong and what would be right. A cleaner that can
repair a value (a personal number that lost its leading zero in Excel) returns it and records a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ftfy

from sakme.common.georgian import fold, has_georgian, normalize, romanize


class Problem(Exception):
    """A value that cannot be used: its code in `problems.CATALOGUE` (why, and what would be right) and parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Notes:
    """Warnings raised while cleaning one row (the value was repaired, or left out): (field, value, code, params)."""

    warnings: list[tuple[str, Any, str, dict[str, Any]]] = field(default_factory=list)

    def warn(self, target: str, value: Any, code: str, **params: Any) -> None:
        self.warnings.append((target, value, code, params))


def text(value: Any) -> str:
    """A cell as text: NFC, whitespace collapsed, Excel's float artefacts ("12.0") and NUL characters removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # No database text column can hold NUL (PostgreSQL refuses it): a stray one would stop the whole import.
    return normalize(str(value).replace("\x00", ""))


# ASCII digits only: str.isdigit() and \d also accept "²" or "٣", which int() refuses or no register holds.
_DIGITS_RE = re.compile(r"[0-9]+")
_SCI_RE = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


def personal_number(value: Any, notes: Notes, target: str = "personal_number") -> str | None:
    """11 digits. A 10-digit value that lost its leading zero in Excel is repaired, with a warning."""
    raw = text(value)
    if not raw:
        return None
    if _SCI_RE.match(raw):
        raise Problem("number_scientific")
    digits = re.sub(r"[\s\-.]", "", raw)
    if not _DIGITS_RE.fullmatch(digits):
        raise Problem("number_not_digits")
    if len(digits) == 10:
        notes.warn(target, raw, "number_zero_restored", repaired="0" + digits)
        return "0" + digits
    if len(digits) != 11:
        raise Problem("number_length", n=len(digits))
    return digits


# UTF-8 read as Windows-1252 (and saved again): a lead byte shown as Â..ô, then a continuation byte shown as one of
# the characters Windows-1252 has at 0x80..0xBF (a no-break space may have become a space). Only such text is given
# to ftfy, which undoes the wrong decoding where it can be undone.
_GARBLED_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf \u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                         "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
                         "\u20ac\u2122]")


def garbled(raw: str) -> None:
    """Refuse text garbled by a wrong encoding (“áƒœáƒ˜áƒœáƒ” for ნინო), with the text it was as what would be right."""
    if _GARBLED_RE.search(raw):
        repaired = normalize(ftfy.fix_encoding(raw))
        if repaired != raw:
            raise Problem("text_garbled", repaired=repaired)


_LOOKALIKES = str.maketrans("аеорсухкмтвнАЕОРСУХКМТВНіІ", "aeopcyxkmtbhAEOPCYXKMTBHiI")
# The 33 letters of modern Georgian (ა..ჰ): the archaic ones after ჰ have no romanization and would stay
# Georgian in the Latin name.
_NAME_OK_RE = re.compile(r"^[A-Za-z\u10d0-\u10f0\s'’\-.]+$")
_LATIN_RE = re.compile(r"[A-Za-z]")
NAME_MAX = 100


def name(value: Any, notes: Notes, target: str) -> tuple[str, str, str]:
    """A given or family name in either script -> (Georgian, Latin, folded key)."""
    raw = text(value)
    if not raw:
        raise Problem("name_empty")
    garbled(raw)
    cleaned = raw.translate(_LOOKALIKES)
    if cleaned != raw and not has_georgian(cleaned):
        notes.warn(target, raw, "name_lookalikes", repaired=cleaned)
    if not _NAME_OK_RE.match(cleaned):
        bad = "".join(sorted({c for c in cleaned if not _NAME_OK_RE.match(c)}))
        raise Problem("name_not_letters", c=bad)
    if has_georgian(cleaned):
        if _LATIN_RE.search(cleaned):
            raise Problem("name_mixed_scripts")
        georgian, latin, key = cleaned, romanize(cleaned), fold(cleaned)
    else:
        latin = cleaned if not cleaned.isupper() and not cleaned.islower() else cleaned.title()
        georgian, key = "", fold(latin)
    if not key:  # "-", "." or an apostrophe: a placeholder for a name nobody knew, not a name
        raise Problem("name_no_letters")
    if max(len(georgian), len(latin)) > NAME_MAX:  # the columns hold 100; Latin spells some letters with three
        raise Problem("name_too_long", n=len(latin), m=NAME_MAX)
    return georgian, latin, key


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y", "%Y.%m.%d", "%Y/%m/%d")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def date(value: Any, notes: Notes, target: str, *, earliest: dt.date = dt.date(1900, 1, 1)) -> dt.date | None:
    """Day first (as written in Georgia) or ISO; Excel serial numbers and cells are accepted."""
    if value is None or value == "":
        return None
    parsed: dt.date | None
    if isinstance(value, dt.datetime):
        parsed = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    else:
        raw = text(value)
        if not raw:
            return None
        raw = raw.split(" ")[0] if re.match(r"^\S+ \d{1,2}:\d{2}", raw) else raw
        parsed = None
        if re.fullmatch(r"[0-9]{4}", raw) and 1900 <= int(raw) <= dt.date.today().year:
            # Excel's day 1990 is 13.06.1905: four digits in a date column are a year, not a serial number.
            raise Problem("date_year_only")
        if re.fullmatch(r"[0-9]{1,5}", raw):  # an Excel serial day number
            parsed = _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        for fmt in _DATE_FORMATS:
            if parsed is not None:
                break
            try:
                parsed = dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        if parsed is None:
            parts = re.split(r"[./\-]", raw)
            if len(parts) == 3 and all(_DIGITS_RE.fullmatch(p) for p in parts) and 12 < int(parts[1]) <= 31:
                if int(parts[0]) <= 12:
                    raise Problem("date_swapped_day_first", m=parts[1])
                if len(parts[0]) == 4 and int(parts[2]) <= 12:  # 1990-13-01: year, day, month
                    raise Problem("date_swapped_year_first", m=parts[1])
            raise Problem("date_invalid")
    if parsed > dt.date.today():
        raise Problem("date_future")
    if parsed < earliest:
        raise Problem("date_too_early", d=earliest.isoformat())
    return parsed


_SEX = {
    "m": "M", "male": "M", "man": "M", "მ": "M", "მამრ": "M", "მამრობითი": "M", "კაცი": "M", "1": "M",
    "f": "F", "female": "F", "woman": "F", "ქ": "F", "მდედრ": "F", "მდედრობითი": "F", "ქალი": "F", "2": "F",
    "k": "F", "w": "F",
}  # fmt: skip


def sex(value: Any, notes: Notes, target: str) -> str:
    raw = text(value).lower().rstrip(".")
    if not raw:
        return ""
    try:
        return _SEX[raw]
    except KeyError:
        raise Problem("sex_unknown") from None


def phone(value: Any, notes: Notes, target: str) -> str:
    """Nine digits of a Georgian number; +995 and punctuation are dropped."""
    raw = text(value)
    if not raw:
        return ""
    digits = "".join(_DIGITS_RE.findall(raw))
    if digits.startswith("995") and len(digits) == 12:
        digits = digits[3:]
    if len(digits) != 9:
        raise Problem("phone_invalid")
    return digits


_DISABILITY = {
    "": "", "-": "", "no": "", "none": "", "არა": "", "არ აქვს": "",
    "moderate": "moderate", "ზომიერი": "moderate", "ზომიერად გამოხატული": "moderate",
    "significant": "significant", "მნიშვნელოვანი": "significant", "მნიშვნელოვნად გამოხატული": "significant",
    "severe": "severe", "მკვეთრი": "severe", "მკვეთრად გამოხატული": "severe",
}  # fmt: skip


def disability_status(value: Any, notes: Notes, target: str) -> str:
    raw = text(value).lower()
    try:
        return _DISABILITY[raw]
    except KeyError:
        raise Problem("disability_unknown") from None


_RELATION = {
    "head": "head", "ოჯახის უფროსი": "head", "უფროსი": "head", "spouse": "spouse", "მეუღლე": "spouse",
    "child": "child", "შვილი": "child", "parent": "parent", "მშობელი": "parent", "დედა": "parent",
    "მამა": "parent", "sibling": "sibling", "და/ძმა": "sibling", "და": "sibling", "ძმა": "sibling",
    "grandchild": "grandchild", "შვილიშვილი": "grandchild", "grandparent": "grandparent",
    "ბებია/ბაბუა": "grandparent", "ბებია": "grandparent", "ბაბუა": "grandparent", "other": "other", "სხვა": "other",
}  # fmt: skip


def relation(value: Any, notes: Notes, target: str) -> str:
    raw = text(value).lower()
    if not raw:
        return "other"
    try:
        return _RELATION[raw]
    except KeyError:
        raise Problem("relation_unknown") from None


_STATUS = {
    "active": "active", "აქტიური": "active", "applied": "applied", "განაცხადი": "applied",
    "suspended": "suspended", "შეჩერებული": "suspended", "terminated": "terminated", "შეწყვეტილი": "terminated",
}  # fmt: skip


def enrolment_status(value: Any, notes: Notes, target: str) -> str:
    raw = text(value).lower()
    if not raw:
        return "active"
    try:
        return _STATUS[raw]
    except KeyError:
        raise Problem("status_unknown") from None


def rating_score(value: Any, notes: Notes, target: str) -> int | None:
    """A whole number 0..500,000; thousands separators and Excel's ".0" are accepted."""
    raw = text(value).replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        raise Problem("score_not_number") from None
    if not number.is_integer() or not 0 <= number <= 500_000:
        raise Problem("score_out_of_range")
    return int(number)


CODE_MAX = {"household_key": 40}  # the columns' lengths; other codes (source keys) 64


def code(value: Any, notes: Notes, target: str) -> str:
    """A key or code: stripped; Excel's "12.0" becomes "12"."""
    raw = text(value)
    limit = CODE_MAX.get(target, 64)
    if len(raw) > limit:  # never cut: two long keys cut to one prefix would become one person
        raise Problem("code_too_long", n=limit)
    return raw


ADDRESS_MAX = 300  # the column's length


def address(value: Any, notes: Notes, target: str) -> str:
    """An address; one longer than the column keeps its first 300 characters, with a warning that says so."""
    raw = text(value)
    garbled(raw)
    if len(raw) > ADDRESS_MAX:
        notes.warn(target, raw, "address_cut", n=ADDRESS_MAX)
        return raw[:ADDRESS_MAX]
    return raw


Cleaner = Callable[[Any, Notes, str], Any]
