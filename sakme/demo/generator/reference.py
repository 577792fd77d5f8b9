"""What the synthetic population is drawn from: the territory, the shapes of households, names and numbers, and
the weighted pickers that draw from them in a fixed order."""


from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

TERRITORY_PATH = Path(__file__).parents[2] / "geo" / "data" / "territory.json"
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
REGISTRATION_START = date(2017, 1, 1).toordinal()
REGISTRATION_DAYS = REFERENCE_DATE.toordinal() - REGISTRATION_START
ASSESSMENT_START = date(2015, 1, 1).toordinal()
ASSESSMENT_DAYS = REFERENCE_DATE.toordinal() - ASSESSMENT_START

# Latin spelling variants of the national romanization, applied to the lower-case form with apostrophes.
# Every one of them is undone by georgian.fold, so a variant is a disagreement in spelling, not in name.
SPELLING_VARIANTS: tuple[tuple[str, str], ...] = (
    ("kh", "x"), ("ts'", "c"), ("ts", "c"), ("ts", "tz"), ("sh", "sch"), ("shvili", "chvili"),
    ("shvili", "schwili"), ("q'", "k"), ("q'", "q"), ("ch'", "tch"), ("ch", "tsh"), ("gh", "g"),
    ("j", "dzh"), ("ia", "iya"), ("v", "w"), ("k'", "k"), ("t'", "th"), ("p'", "ph"),
)  # fmt: skip
LETTERS = "abcdeghijklmnopqrstuvxz"


class Picker(Generic[T]):
    """Weighted choice by one uniform draw and a binary search over cumulative weights."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self._items = [item for item, _ in pairs]
        self._cum = list(accumulate(weight for _, weight in pairs))
        self._total = self._cum[-1]

    def pick(self, draw: float) -> T:
        """The item for a uniform draw in [0, 1)."""
        return self._items[bisect_right(self._cum, draw * self._total)]


class Permutation:
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
class DrawnPerson:
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


def date_text_ssa(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


