"""The deterministic synthetic population: an SSA registry export, a Worknet export and the linkage truth.

`generate` writes three files into a directory:

- ``ssa_registry.csv``: the Social Service Agency's registry export as a ministry would hand it over
  (UTF-8 with BOM, ``;``, headers in transliterated Georgian, Georgian script, DD.MM.YYYY dates), one row
  per person, households of one to eight members on consecutive rows;
- ``worknet_jobseekers.csv``: the Worknet job-seeker export (UTF-8, ``,``, English headers, names and
  addresses in Latin), partly the same people as in the SSA file with the usual disagreements
  (transliteration variants, typos, mangled personal numbers, swapped date parts, moves), partly people
  who are not in the SSA file;
- ``truth.csv``: which Worknet row is which SSA row, the ground truth for evaluating record linkage.

The same arguments give byte-identical files: every random draw comes from one ``random.Random(seed)``
in a fixed order, and nothing depends on hash order or on the clock (ages count from REFERENCE_DATE).
Rows are written as they are drawn, so memory stays flat however many persons are asked for.
"""

from __future__ import annotations

import csv
import json
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar

from sakme.common.georgian import fold, romanize
from sakme.demo import names

T = TypeVar("T")

TERRITORY_PATH = Path(__file__).parents[1] / "geo" / "data" / "territory.json"
REFERENCE_DATE = date(2025, 10, 1)
"""The day the exports are taken: ages, assessment and registration dates are counted back from it."""

SSA_FILE = "ssa_registry.csv"
WORKNET_FILE = "worknet_jobseekers.csv"
TRUTH_FILE = "truth.csv"

SSA_HEADER = (
    "chanaceris_id", "piradi_nomeri", "saxeli", "gvari", "dabadebis_tarigi", "sqesi", "municipaliteti",
    "misamarti", "telefoni", "shshm_statusi", "ojaxis_kodi", "natesauri_kavshiri", "sareitingo_qula",
    "shefasebis_tarigi", "statusi",
)  # fmt: skip
WORKNET_HEADER = (
    "worknet_id", "personal_id", "first_name", "last_name", "birth_date", "gender", "municipality",
    "address", "mobile", "registered_at",
)  # fmt: skip
TRUTH_HEADER = ("ssa_key", "worknet_key")

SEX_KA = {"m": "მ", "f": "ქ"}
SEX_EN = {"m": "male", "f": "female"}

HEAD, SPOUSE, CHILD, PARENT, SIBLING, GRANDCHILD, OTHER = (
    "ოჯახის უფროსი", "მეუღლე", "შვილი", "მშობელი", "და/ძმა", "შვილიშვილი", "სხვა",
)  # fmt: skip
ACTIVE, SUSPENDED, TERMINATED = "აქტიური", "შეჩერებული", "შეწყვეტილი"
DISABILITY_STATUSES = (("ზომიერი", 50), ("მნიშვნელოვანი", 35), ("მკვეთრი", 15))
DISABILITY_SHARE = 0.04

TBILISI_CODE = "tbilisi"
TBILISI_SHARE = 0.30
# Residents in thousands (rounded recent estimates); only the proportions matter. Tbilisi is set apart.
MUNICIPALITY_POPULATION: dict[str, int] = {
    "batumi": 180, "kobuleti": 75, "keda": 16, "shuakhevi": 15, "khelvachauri": 53, "khulo": 23,
    "ozurgeti": 60, "lanchkhuti": 29, "chokhatauri": 18,
    "kutaisi": 131, "baghdati": 21, "vani": 24, "zestaponi": 56, "terjola": 35, "samtredia": 45,
    "sachkhere": 36, "tkibuli": 20, "tskaltubo": 54, "chiatura": 38, "kharagauli": 19, "khoni": 22,
    "telavi": 55, "akhmeta": 30, "gurjaani": 53, "dedoplistskaro": 21, "lagodekhi": 41, "sagarejo": 51,
    "sighnaghi": 29, "kvareli": 29,
    "mtskheta": 55, "dusheti": 26, "tianeti": 9, "kazbegi": 4,
    "ambrolauri": 9, "oni": 6, "tsageri": 10, "lentekhi": 4,
    "zugdidi": 100, "poti": 41, "abasha": 20, "martvili": 31, "mestia": 9, "senaki": 38,
    "chkhorotsku": 21, "tsalenjikha": 25, "khobi": 28,
    "akhaltsikhe": 38, "adigeni": 16, "aspindza": 10, "akhalkalaki": 41, "borjomi": 24, "ninotsminda": 23,
    "rustavi": 130, "bolnisi": 52, "gardabani": 80, "dmanisi": 18, "tetritskaro": 20, "marneuli": 103,
    "tsalka": 17,
    "gori": 120, "kaspi": 42, "kareli": 40, "khashuri": 52,
}  # fmt: skip
DEFAULT_MUNICIPALITY_POPULATION = 20
TBILISI_DISTRICT_POPULATION: dict[str, int] = {
    "mtatsminda": 60, "krtsanisi": 50, "vake": 120, "saburtalo": 150, "isani": 140, "samgori": 170,
    "chughureti": 60, "didube": 75, "nadzaladevi": 150, "gldani": 180,
}  # fmt: skip

# Household size 1..8, mean about 3.3.
HOUSEHOLD_SIZES = ((1, 17), (2, 21), (3, 20), (4, 19), (5, 12), (6, 6), (7, 3), (8, 2))
# TSA rating score bands (low, high, weight) and the enrolment status mix (active, suspended) per band.
SCORE_BANDS = (
    (0, 30_000, 34, 0.86, 0.07),
    (30_001, 57_000, 26, 0.84, 0.08),
    (57_001, 65_000, 8, 0.80, 0.10),
    (65_001, 100_000, 15, 0.45, 0.15),
    (100_001, 200_000, 17, 0.08, 0.06),
)
MOBILE_PREFIXES = (
    "555", "557", "558", "568", "571", "574", "577", "579", "591", "592", "593", "595", "596", "597",
    "598", "599", "514", "511", "551", "544",
)  # fmt: skip
JOBSEEKER_AGES = (18, 64)
MAX_AGE = 95
_REGISTRATION_START = date(2017, 1, 1).toordinal()
_REGISTRATION_DAYS = REFERENCE_DATE.toordinal() - _REGISTRATION_START
_ASSESSMENT_START = date(2015, 1, 1).toordinal()
_ASSESSMENT_DAYS = REFERENCE_DATE.toordinal() - _ASSESSMENT_START

# Latin spelling variants of the national romanization, applied to the lower-case form with apostrophes.
# Every one of them is undone by georgian.fold, so a variant is a disagreement in spelling, not in name.
SPELLING_VARIANTS: tuple[tuple[str, str], ...] = (
    ("kh", "x"), ("ts'", "c"), ("ts", "c"), ("ts", "tz"), ("sh", "sch"), ("shvili", "chvili"),
    ("shvili", "schwili"), ("q'", "k"), ("q'", "q"), ("ch'", "tch"), ("ch", "tsh"), ("gh", "g"),
    ("j", "dzh"), ("ia", "iya"), ("v", "w"), ("k'", "k"), ("t'", "th"), ("p'", "ph"),
)  # fmt: skip
_LETTERS = "abcdeghijklmnopqrstuvxz"


class _Picker(Generic[T]):
    """Weighted choice by one uniform draw and a binary search over cumulative weights."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self._items = [item for item, _ in pairs]
        self._cum = list(accumulate(weight for _, weight in pairs))
        self._total = self._cum[-1]

    def pick(self, draw: float) -> T:
        """The item for a uniform draw in [0, 1)."""
        return self._items[bisect_right(self._cum, draw * self._total)]


class _Permutation:
    """A keyed bijection of range(size): a four-round Feistel network with cycle walking.

    Used to hand out unique, unordered-looking numbers (personal numbers, Worknet ids) without
    remembering the ones already given.
    """

    __slots__ = ("_half", "_keys", "_mask", "_size")

    def __init__(self, size: int, rng: random.Random) -> None:
        bits = max(4, (size - 1).bit_length())
        bits += bits % 2
        self._half = bits // 2
        self._mask = (1 << self._half) - 1
        self._keys = tuple(rng.getrandbits(32) for _ in range(4))
        self._size = size

    def __call__(self, value: int) -> int:
        half, mask = self._half, self._mask
        while True:
            left, right = value >> half, value & mask
            for key in self._keys:
                mixed = ((right ^ key) * 0x9E3779B1 + key) & 0xFFFFFFFF
                left, right = right, left ^ ((mixed ^ (mixed >> 15)) & mask)
            value = (left << half) | right
            if value < self._size:
                return value


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality as the generator needs it."""

    code: str
    name_ka: str
    name_en: str
    kind: str
    personal_number_prefix: str
    """Two digits standing for the issuing office, 01 for Tbilisi, 02..60 for the others."""


@dataclass(slots=True)
class _Person:
    """One true person; rendered into an SSA row, a Worknet row, or both, with their own noise."""

    personal_number: str
    given: str
    family: str
    sex: str
    age: int
    birth: date
    municipality: Municipality
    address: str
    phone: str


@dataclass(frozen=True, slots=True)
class Territory:
    """Municipalities and Tbilisi districts loaded from the geo app's territory.json."""

    municipalities: tuple[Municipality, ...]
    tbilisi_districts: tuple[tuple[str, int], ...]
    """(name_ka, weight) pairs."""


def load_territory(path: Path = TERRITORY_PATH) -> Territory:
    """Read municipalities and Tbilisi districts; sorted by code, so the file's row order does not matter."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = sorted(data["municipalities"], key=lambda row: row["code"])
    others = [row for row in rows if row["code"] != TBILISI_CODE]
    municipalities = [
        Municipality(row["code"], row["name_ka"], row["name_en"], row["kind"], "01")
        for row in rows
        if row["code"] == TBILISI_CODE
    ] + [
        Municipality(row["code"], row["name_ka"], row["name_en"], row["kind"], f"{2 + index % 59:02d}")
        for index, row in enumerate(others)
    ]
    districts = tuple(
        (row["name_ka"], TBILISI_DISTRICT_POPULATION.get(row["name_en"].lower(), 100))
        for row in data["tbilisi_districts"]
    )
    return Territory(tuple(municipalities), districts)


def _date_text_ssa(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


class _Population:
    """The random draws of the population, in one fixed order over one random.Random."""

    def __init__(self, rng: random.Random, territory: Territory) -> None:
        self.rng = rng
        self.r: Callable[[], float] = rng.random
        self.territory = territory
        others = [m for m in territory.municipalities if m.code != TBILISI_CODE]
        tbilisi = [m for m in territory.municipalities if m.code == TBILISI_CODE]
        other_weight = sum(
            MUNICIPALITY_POPULATION.get(m.code, DEFAULT_MUNICIPALITY_POPULATION) for m in others
        )
        weights = [(m, TBILISI_SHARE / (1 - TBILISI_SHARE) * other_weight) for m in tbilisi] + [
            (m, MUNICIPALITY_POPULATION.get(m.code, DEFAULT_MUNICIPALITY_POPULATION)) for m in others
        ]
        self.municipalities = _Picker(weights)
        self.districts = _Picker(territory.tbilisi_districts or (("", 1),))
        self.male = _Picker(names.MALE_GIVEN_NAMES)
        self.female = _Picker(names.FEMALE_GIVEN_NAMES)
        self.family = _Picker(names.FAMILY_NAMES)
        self.sizes = _Picker(HOUSEHOLD_SIZES)
        self.bands = _Picker([(band, band[2]) for band in SCORE_BANDS])
        self.disability = _Picker(DISABILITY_STATUSES)
        self.personal_numbers = _Permutation(10**9, rng)
        self.people_drawn = 0
        # For each age, the first day of birth that gives it on REFERENCE_DATE and the number of such days.
        self.birth_windows = [
            (
                REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age - 1).toordinal() + 1,
                REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age).toordinal()
                - REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age - 1).toordinal(),
            )
            for age in range(MAX_AGE + 1)
        ]
        # Drop the leading zero in about 0.5 % of all SSA rows: scale by the share of numbers that have one.
        total = sum(weight for _, weight in weights)
        zero_share = sum(
            weight / total * (0.75 * (m.personal_number_prefix < "10") + 0.25 * 9 / 60)
            for m, weight in weights
        )
        self.leading_zero_drop = min(1.0, 0.005 / zero_share) if zero_share else 0.0

    # -- people ------------------------------------------------------------------------------------

    def personal_number(self, municipality: Municipality) -> str:
        """A unique 11-digit number: an office prefix and a permuted running number."""
        r = self.r
        prefix = municipality.personal_number_prefix if r() < 0.75 else f"{1 + int(r() * 60):02d}"
        suffix = self.personal_numbers(self.people_drawn)
        self.people_drawn += 1
        return f"{prefix}{suffix:09d}"

    def given_name(self, sex: str) -> str:
        return (self.male if sex == "m" else self.female).pick(self.r())

    def birth_date(self, age: int) -> date:
        """A birthday that makes the person exactly `age` years old on REFERENCE_DATE."""
        first, days = self.birth_windows[age]
        return date.fromordinal(first + int(self.r() * days))

    def address(self, municipality: Municipality) -> str:
        """A street address in Georgian; Tbilisi addresses start with the district."""
        r = self.r
        streets = names.STREETS
        street = streets[int(r() * len(streets))]
        kind = "გამზ." if r() < 0.12 else "ქ."
        text = f"{street} {kind} {1 + int(r() * r() * 150)}"
        flats = 0.7 if municipality.code == TBILISI_CODE else 0.5 if municipality.kind == "city" else 0.12
        if r() < flats:
            text += f", ბ. {1 + int(r() * 120)}"
        if municipality.code == TBILISI_CODE:
            text = f"{self.districts.pick(r())}, {text}"
        return text

    def mobile(self) -> str:
        r = self.r
        return f"{MOBILE_PREFIXES[int(r() * len(MOBILE_PREFIXES))]}{int(r() * 1_000_000):06d}"

    def person(self, sex: str, age: int, family: str, municipality: Municipality, address: str) -> _Person:
        """A person with a fresh personal number, given name, birthday and (most of the time) a phone."""
        phone = self.mobile() if self.r() < 0.85 else ""
        return _Person(
            self.personal_number(municipality), self.given_name(sex), family, sex, age, self.birth_date(age),
            municipality, address, phone,
        )  # fmt: skip

    def household(self, size: int) -> list[tuple[_Person, str]]:
        """A household of `size` members as (person, relation to head), the head first."""
        r = self.r
        municipality = self.municipalities.pick(r())
        address = self.address(municipality)
        family = self.family.pick(r())
        head_sex = "m" if r() < 0.62 else "f"
        head_age = 25 + int(r() * 56)
        head = self.person(head_sex, head_age, family, municipality, address)
        members = [(head, HEAD)]
        parents = 0
        first_parent_sex = ""
        for slot in range(1, size):
            draw = r()
            if slot == 1 and draw < 0.75:
                role = SPOUSE
            else:
                draw = r()
                role = (
                    CHILD if draw < 0.70 else GRANDCHILD if draw < 0.80 else PARENT if draw < 0.88
                    else SIBLING if draw < 0.94 else OTHER
                )  # fmt: skip
            if role == CHILD and head_age > 68:
                role = GRANDCHILD
            elif role == GRANDCHILD and head_age < 40:
                role = CHILD
            elif role == PARENT and (parents == 2 or head_age > 75):
                role = OTHER
            sex = "m" if r() < 0.51 else "f"
            surname = family
            if role == SPOUSE:
                sex = "f" if head_sex == "m" else "m"
                age = max(18, head_age + (int(r() * 13) - 8 if head_sex == "m" else int(r() * 13) - 4))
                if sex == "f" and r() < 0.15:
                    surname = self.family.pick(r())
            elif role == CHILD:
                low, high = max(0, head_age - 45), min(25, head_age - 18)
                age = low + int(r() * (high - low + 1))
                if head_sex == "f" and r() < 0.3:
                    surname = self.family.pick(r())
            elif role == GRANDCHILD:
                age = int(r() * (min(25, head_age - 38) + 1))
                if r() < 0.35:
                    surname = self.family.pick(r())
            elif role == PARENT:
                if parents == 0:
                    first_parent_sex = sex = "f" if r() < 0.6 else "m"
                else:
                    sex = "m" if first_parent_sex == "f" else "f"
                parents += 1
                age = min(MAX_AGE, head_age + 18 + int(r() * 23))
                if sex == "f" and r() < 0.2:
                    surname = self.family.pick(r())
            elif role == SIBLING:
                age = max(0, head_age - 12 + int(r() * 25))
                if sex == "f" and r() < 0.35:
                    surname = self.family.pick(r())
            else:
                age = int(r() * 86)
                surname = self.family.pick(r())
            age = max(0, min(MAX_AGE, age))
            member = self.person(sex, age, surname, municipality, address)
            if age < 14:
                member.phone = head.phone if r() < 0.7 else ""
            members.append((member, role))
        return members

    def jobseeker(self) -> _Person:
        """A person who is in Worknet but not in the SSA registry."""
        r = self.r
        municipality = self.municipalities.pick(r())
        sex = "m" if r() < 0.5 else "f"
        low, high = JOBSEEKER_AGES
        age = low + int(r() * (high - low + 1))
        return self.person(sex, age, self.family.pick(r()), municipality, self.address(municipality))

    # -- the SSA rendering -------------------------------------------------------------------------

    def stray_spaces(self, text: str) -> str:
        """Spaces a clerk left in: before, after, both, or doubled inside a name of several words."""
        draw = self.r()
        if " " in text and draw < 0.25:
            return text.replace(" ", "  ", 1)
        return f" {text}" if draw < 0.5 else f"{text} " if draw < 0.8 else f" {text} "

    def ssa_personal_number(self, number: str) -> str:
        if number[0] == "0" and self.r() < self.leading_zero_drop:
            return number[1:]
        return number

    def ssa_phone(self, phone: str) -> str:
        """The phone as typed into the registry: bare, with +995, grouped by spaces."""
        if not phone:
            return ""
        draw = self.r()
        if draw < 0.65:
            return phone
        grouped = f"{phone[:3]} {phone[3:5]} {phone[5:7]} {phone[7:]}"
        return f"+995 {phone}" if draw < 0.80 else grouped if draw < 0.90 else f"+995 {grouped}"

    # -- the Worknet rendering ---------------------------------------------------------------------

    def latin_name(self, name: str) -> str:
        """A name as a Worknet clerk or the job seeker typed it in Latin letters."""
        draw = self.r()
        if draw < 0.10:
            return romanize(name)
        if draw < 0.72:
            return romanize(name, apostrophes=False)
        if draw < 0.95:
            return self.variant_spelling(name)
        return self.typo(romanize(name, apostrophes=False))

    def variant_spelling(self, name: str) -> str:
        """One or two of the common variant spellings, applied throughout the name."""
        r = self.r
        text = romanize(name).lower()
        for step in range(2 if r() < 0.3 else 1):
            rules = [rule for rule in SPELLING_VARIANTS if rule[0] in text]
            if not rules:
                break
            old, new = rules[int(r() * len(rules))]
            changed = text.replace(old, new)
            # A second rule can eat into the first one's output ("sch" + "ch"->"tsh"); keep what still folds.
            if step and fold(changed) != fold(text):
                break
            text = changed
        text = text.replace("'", "")
        return text[:1].upper() + text[1:]

    def typo(self, text: str) -> str:
        """One inserted, deleted, substituted or transposed character (never the first letter's case)."""
        r = self.r
        lower = text.lower()
        for _ in range(4):
            where = int(r() * len(lower))
            letter = _LETTERS[int(r() * len(_LETTERS))]
            kind = r()
            if kind < 0.25:
                changed = lower[:where] + letter + lower[where:]
            elif kind < 0.5 and len(lower) > 2:
                changed = lower[:where] + lower[where + 1 :]
            elif kind < 0.75:
                changed = lower[:where] + letter + lower[where + 1 :]
            else:
                where = min(where, len(lower) - 2)
                changed = lower[:where] + lower[where + 1 : where + 2] + lower[where] + lower[where + 2 :]
            if changed != lower:
                return changed[:1].upper() + changed[1:]
        return text

    def worknet_personal_number(self, number: str) -> str:
        """Mostly the number; sometimes missing, mistyped, transposed or mangled by a spreadsheet."""
        r = self.r
        draw = r()
        if draw < 0.90:
            return number
        if draw < 0.95:
            return ""
        if draw < 0.97:
            where = int(r() * len(number))
            digit = str((int(number[where]) + 1 + int(r() * 9)) % 10)
            return number[:where] + digit + number[where + 1 :]
        if draw < 0.98:
            start = int(r() * (len(number) - 1))
            for offset in range(len(number) - 1):
                i = (start + offset) % (len(number) - 1)
                if number[i] != number[i + 1]:
                    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            return number
        if number[0] == "0" and r() < 0.5:
            return number[1:]
        return format(int(number), ".8E")

    def worknet_birth_date(self, birth: date) -> str:
        """ISO mostly, DD/MM/YYYY sometimes; now and then day and month swapped or a digit off."""
        r = self.r
        year, month, day = birth.year, birth.month, birth.day
        draw = r()
        if draw < 0.02:
            if day <= 12 and month <= 12:
                day, month = month, day
        elif draw < 0.03:
            if r() < 0.5:
                last = year % 10
                year += -1 if last == 9 else 1 if last == 0 else (1 if r() < 0.5 else -1)
                if month == 2 and day == 29:
                    day = 28
            else:
                day = day - 1 if day > 1 else day + 1
        if r() < 0.2:
            return f"{day:02d}/{month:02d}/{year}"
        return f"{year}-{month:02d}-{day:02d}"

    def worknet_place(self, person: _Person) -> tuple[Municipality, str]:
        """The municipality and address Worknet knows: mostly the SSA one, sometimes after a move."""
        r = self.r
        draw = r()
        if draw < 0.03:
            municipality = person.municipality
            for _ in range(10):
                municipality = self.municipalities.pick(r())
                if municipality != person.municipality:
                    break
            return municipality, self.address(municipality)
        if draw < 0.13:
            return person.municipality, self.address(person.municipality)
        return person.municipality, person.address

    def worknet_mobile(self, phone: str) -> str:
        r = self.r
        if phone:
            draw = r()
            return phone if draw < 0.80 else self.mobile() if draw < 0.88 else ""
        return self.mobile() if r() < 0.5 else ""

    def worknet_row(self, person: _Person, key: str) -> list[str]:
        """The Worknet row of a person, with the disagreements of a second source."""
        r = self.r
        first, last = self.latin_name(person.given), self.latin_name(person.family)
        if r() < 0.01:
            first, last = last, first
        if r() < 0.03:
            first, last = first.upper(), last.upper()
        municipality, address = self.worknet_place(person)
        registered = date.fromordinal(_REGISTRATION_START + int(r() * _REGISTRATION_DAYS))
        return [
            key,
            self.worknet_personal_number(person.personal_number),
            first,
            last,
            self.worknet_birth_date(person.birth),
            SEX_EN[person.sex],
            municipality.name_en,
            romanize(address, apostrophes=False),
            self.worknet_mobile(person.phone),
            registered.isoformat(),
        ]


def generate(
    out_dir: Path, *, persons: int, seed: int, worknet: int | None = None, overlap: float = 0.7
) -> dict[str, Path]:
    """Write ssa_registry.csv, worknet_jobseekers.csv and truth.csv into `out_dir` and return their paths.

    `persons` SSA rows in households; `worknet` Worknet rows in all (default a tenth of `persons`, at least
    one), of which about `overlap` are people of the SSA file (drawn among those aged 18-64 while the SSA
    file is written) and the rest new people. Same arguments, same bytes.
    """
    if persons < 1:
        raise ValueError(f"persons must be at least 1, not {persons}")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"overlap must be between 0 and 1, not {overlap}")
    worknet_total = max(1, persons // 10) if worknet is None else worknet
    if worknet_total < 0:
        raise ValueError(f"worknet must not be negative, not {worknet}")
    if persons + worknet_total > 10**9:
        raise ValueError("at most 10**9 people in all: personal numbers have nine digits after the prefix")

    rng = random.Random(seed)
    population = _Population(rng, load_territory())
    r = rng.random
    worknet_ids = _Permutation(10 ** max(7, len(str(worknet_total))), rng)
    worknet_width = max(7, len(str(worknet_total)))
    width = max(8, len(str(persons)))
    overlap_target = min(persons, round(worknet_total * overlap))

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"ssa": out_dir / SSA_FILE, "worknet": out_dir / WORKNET_FILE, "truth": out_dir / TRUTH_FILE}
    worknet_rows = sampled = seen = eligible_seen = 0
    low_age, high_age = JOBSEEKER_AGES

    def next_worknet_key() -> str:
        nonlocal worknet_rows
        key = f"WN{worknet_ids(worknet_rows):0{worknet_width}d}"
        worknet_rows += 1
        return key

    with (
        paths["ssa"].open("w", encoding="utf-8-sig", newline="", buffering=1 << 20) as ssa_file,
        paths["worknet"].open("w", encoding="utf-8", newline="", buffering=1 << 20) as worknet_file,
        paths["truth"].open("w", encoding="utf-8", newline="", buffering=1 << 16) as truth_file,
    ):
        ssa_out = csv.writer(ssa_file, delimiter=";", lineterminator="\r\n")
        worknet_out = csv.writer(worknet_file, delimiter=",", lineterminator="\n")
        truth_out = csv.writer(truth_file, delimiter=",", lineterminator="\n")
        ssa_out.writerow(SSA_HEADER)
        worknet_out.writerow(WORKNET_HEADER)
        truth_out.writerow(TRUTH_HEADER)

        household_number = 0
        while seen < persons:
            household_number += 1
            household_key = f"H{household_number:0{width}d}"
            members = population.household(min(population.sizes.pick(r()), persons - seen))
            low, high, _, active, suspended = population.bands.pick(r())
            score = str(low + int(r() * (high - low + 1)))
            draw = r()
            status = ACTIVE if draw < active else SUSPENDED if draw < active + suspended else TERMINATED
            assessed = _date_text_ssa(date.fromordinal(_ASSESSMENT_START + int(r() * _ASSESSMENT_DAYS)))
            for person, relation in members:
                seen += 1
                ssa_key = f"SSA{seen:0{width}d}"
                given, family = person.given, person.family
                if r() < 0.01:
                    if r() < 0.6:
                        given = population.stray_spaces(given)
                    else:
                        family = population.stray_spaces(family)
                disability = population.disability.pick(r()) if r() < DISABILITY_SHARE else ""
                ssa_out.writerow((
                    ssa_key,
                    population.ssa_personal_number(person.personal_number),
                    given,
                    family,
                    _date_text_ssa(person.birth),
                    SEX_KA[person.sex],
                    person.municipality.name_ka,
                    person.address,
                    population.ssa_phone(person.phone),
                    disability,
                    household_key,
                    relation,
                    score,
                    assessed,
                    status,
                ))  # fmt: skip
                if low_age <= person.age <= high_age:
                    eligible_seen += 1
                    needed = overlap_target - sampled
                    if needed > 0:
                        # Selection sampling over the expected number of eligible people still to come.
                        eligible_rate = (eligible_seen + 6) / (seen + 10)
                        expected_left = max(1.0, (persons - seen + 1) * eligible_rate)
                        if r() * expected_left < needed:
                            sampled += 1
                            worknet_key = next_worknet_key()
                            worknet_out.writerow(population.worknet_row(person, worknet_key))
                            truth_out.writerow((ssa_key, worknet_key))

        while worknet_rows < worknet_total:
            worknet_out.writerow(population.worknet_row(population.jobseeker(), next_worknet_key()))
    return paths
