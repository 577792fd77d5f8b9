"""The synthetic population generator: determinism, file formats, household consistency, linkage truth.

Plain pytest, no Django: run with ``pytest -p no:django sakme/demo/tests``.
"""

from __future__ import annotations

import csv
import itertools
import re
import tomllib
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from sakme.common.georgian import fold, romanize
from sakme.demo import names
from sakme.demo.generator import (
    REFERENCE_DATE,
    SPELLING_VARIANTS,
    SSA_HEADER,
    TRUTH_HEADER,
    WORKNET_HEADER,
    generate,
    load_territory,
)

PERSONS = 2_000
MAPPINGS = Path(__file__).parents[2] / "registry" / "mappings"
TARGET_FIELDS = {
    "source_key", "personal_number", "given_name", "family_name", "birth_date", "sex", "municipality",
    "address", "phone", "disability_status", "household_key", "relation_to_head", "rating_score",
    "assessment_date", "enrolment_status", "registered_at",
}  # fmt: skip

Row = dict[str, str]


def _read(path: Path, *, encoding: str, delimiter: str) -> list[Row]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("population"), persons=PERSONS, seed=20251001)


@pytest.fixture(scope="module")
def ssa(files: dict[str, Path]) -> list[Row]:
    return _read(files["ssa"], encoding="utf-8-sig", delimiter=";")


@pytest.fixture(scope="module")
def worknet(files: dict[str, Path]) -> list[Row]:
    return _read(files["worknet"], encoding="utf-8", delimiter=",")


@pytest.fixture(scope="module")
def truth(files: dict[str, Path]) -> list[Row]:
    return _read(files["truth"], encoding="utf-8", delimiter=",")


@pytest.fixture(scope="module")
def pairs(ssa: list[Row], worknet: list[Row], truth: list[Row]) -> list[tuple[Row, Row]]:
    by_ssa = {row["chanaceris_id"]: row for row in ssa}
    by_worknet = {row["worknet_id"]: row for row in worknet}
    return [(by_ssa[pair["ssa_key"]], by_worknet[pair["worknet_key"]]) for pair in truth]


def _contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", persons=700, seed=5)
    generate(tmp_path / "b", persons=700, seed=5)
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", persons=700, seed=5)
    generate(tmp_path / "b", persons=700, seed=6)
    first, second = _contents(tmp_path / "a"), _contents(tmp_path / "b")
    assert all(first[name] != second[name] for name in first)


def test_returns_the_three_paths(files: dict[str, Path]) -> None:
    assert set(files) == {"ssa", "worknet", "truth"}
    assert [path.name for path in files.values()] == [
        "ssa_registry.csv",
        "worknet_jobseekers.csv",
        "truth.csv",
    ]


def test_encodings_and_headers(files: dict[str, Path]) -> None:
    ssa_bytes, worknet_bytes = files["ssa"].read_bytes(), files["worknet"].read_bytes()
    assert ssa_bytes.startswith(b"\xef\xbb\xbf" + ";".join(SSA_HEADER).encode() + b"\r\n")
    assert worknet_bytes.startswith(",".join(WORKNET_HEADER).encode() + b"\n")
    assert files["truth"].read_bytes().startswith(",".join(TRUTH_HEADER).encode() + b"\n")


def test_row_counts_and_unique_keys(ssa: list[Row], worknet: list[Row], truth: list[Row]) -> None:
    assert len(ssa) == PERSONS
    assert len(worknet) == PERSONS // 10
    assert len({row["chanaceris_id"] for row in ssa}) == PERSONS
    assert len({row["worknet_id"] for row in worknet}) == len(worknet)
    assert all(re.fullmatch(r"SSA\d{8}", row["chanaceris_id"]) for row in ssa)
    assert all(re.fullmatch(r"WN\d{7}", row["worknet_id"]) for row in worknet)
    assert len({pair["worknet_key"] for pair in truth}) == len(truth)
    assert len({pair["ssa_key"] for pair in truth}) == len(truth)


def test_explicit_worknet_size_and_overlap(tmp_path: Path) -> None:
    paths = generate(tmp_path, persons=1_000, seed=3, worknet=300, overlap=0.4)
    worknet = _read(paths["worknet"], encoding="utf-8", delimiter=",")
    truth = _read(paths["truth"], encoding="utf-8", delimiter=",")
    assert len(worknet) == 300
    assert 0.3 <= len(truth) / len(worknet) <= 0.45


def test_rejects_nonsense_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="persons"):
        generate(tmp_path, persons=0, seed=1)
    with pytest.raises(ValueError, match="overlap"):
        generate(tmp_path, persons=10, seed=1, overlap=1.5)


def test_personal_numbers(ssa: list[Row]) -> None:
    numbers = [row["piradi_nomeri"] for row in ssa]
    assert all(re.fullmatch(r"\d{11}|\d{10}", number) for number in numbers)
    full = [number for number in numbers if len(number) == 11]
    assert len(set(full)) == len(full)
    assert all(1 <= int(number[:2]) <= 60 for number in full)
    assert sum(number.startswith("0") for number in full) > PERSONS * 0.2
    shortened = len(numbers) - len(full)
    assert shortened <= PERSONS * 0.02
    # A dropped leading zero leaves ten digits that, with the zero back, are no one else's number.
    assert not {"0" + number for number in numbers if len(number) == 10} & set(full)


def test_truth_refers_to_existing_rows(ssa: list[Row], worknet: list[Row], truth: list[Row]) -> None:
    ssa_keys = {row["chanaceris_id"] for row in ssa}
    worknet_keys = {row["worknet_id"] for row in worknet}
    assert truth
    assert all(pair["ssa_key"] in ssa_keys and pair["worknet_key"] in worknet_keys for pair in truth)


def test_overlap_share_is_near_the_requested_one(worknet: list[Row], truth: list[Row]) -> None:
    assert 0.62 <= len(truth) / len(worknet) <= 0.75


def test_households_share_code_score_place_and_status(ssa: list[Row]) -> None:
    households: dict[str, list[Row]] = defaultdict(list)
    order: list[str] = []
    for row in ssa:
        if row["ojaxis_kodi"] not in households:
            order.append(row["ojaxis_kodi"])
        households[row["ojaxis_kodi"]].append(row)
    # Members are on consecutive rows: each code starts once and never comes back.
    codes = [row["ojaxis_kodi"] for row in ssa]
    assert sum(1 for a, b in itertools.pairwise(codes) if a != b) == len(order) - 1
    for members in households.values():
        assert 1 <= len(members) <= 8
        for field in ("sareitingo_qula", "municipaliteti", "misamarti", "shefasebis_tarigi", "statusi"):
            assert len({member[field] for member in members}) == 1, field
        relations = [member["natesauri_kavshiri"] for member in members]
        assert relations[0] == "ოჯახის უფროსი" and relations.count("ოჯახის უფროსი") == 1
    assert 2.9 <= len(ssa) / len(households) <= 3.7


def test_ssa_field_values(ssa: list[Row]) -> None:
    territory = load_territory()
    municipalities = {m.name_ka for m in territory.municipalities}
    relations = {"ოჯახის უფროსი", "მეუღლე", "შვილი", "მშობელი", "და/ძმა", "შვილიშვილი", "სხვა"}
    for row in ssa:
        assert row["sqesi"] in {"მ", "ქ"}
        assert row["municipaliteti"] in municipalities
        assert row["shshm_statusi"] in {"", "ზომიერი", "მნიშვნელოვანი", "მკვეთრი"}
        assert row["natesauri_kavshiri"] in relations
        assert row["statusi"] in {"აქტიური", "შეჩერებული", "შეწყვეტილი"}
        assert 0 <= int(row["sareitingo_qula"]) <= 200_000
        assert row["telefoni"] == "" or re.fullmatch(r"(\+995 )?5\d\d( ?\d\d){3}", row["telefoni"])
        assert re.fullmatch(r"H\d{8}", row["ojaxis_kodi"])
    tbilisi = sum(row["municipaliteti"] == "თბილისი" for row in ssa) / len(ssa)
    assert 0.2 <= tbilisi <= 0.4
    disabled = sum(bool(row["shshm_statusi"]) for row in ssa) / len(ssa)
    assert 0.02 <= disabled <= 0.06
    no_phone = sum(not row["telefoni"] for row in ssa) / len(ssa)
    assert 0.1 <= no_phone <= 0.3
    scores = [int(row["sareitingo_qula"]) for row in ssa]
    assert sum(score <= 30_000 for score in scores) > len(scores) * 0.2
    assert sum(score > 100_000 for score in scores) > len(scores) * 0.05
    rich = [row["statusi"] for row in ssa if int(row["sareitingo_qula"]) > 100_000]
    assert rich.count("შეწყვეტილი") > len(rich) * 0.6
    poor = [row["statusi"] for row in ssa if int(row["sareitingo_qula"]) <= 65_000]
    assert poor.count("აქტიური") > len(poor) * 0.7


def _age(birth: date) -> int:
    return (
        REFERENCE_DATE.year
        - birth.year
        - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (birth.month, birth.day))
    )


def test_ssa_dates_and_ages_fit_roles(ssa: list[Row]) -> None:
    ages: dict[str, list[int]] = defaultdict(list)
    for row in ssa:
        birth = datetime.strptime(row["dabadebis_tarigi"], "%d.%m.%Y").date()
        assessed = datetime.strptime(row["shefasebis_tarigi"], "%d.%m.%Y").date()
        assert date(2015, 1, 1) <= assessed <= date(2025, 12, 31)
        ages[row["natesauri_kavshiri"]].append(_age(birth))
    assert min(ages["ოჯახის უფროსი"]) >= 25 and max(ages["ოჯახის უფროსი"]) <= 80
    assert min(ages["შვილი"]) >= 0 and max(ages["შვილი"]) <= 25
    assert max(ages["შვილიშვილი"]) <= 25
    assert min(ages["მეუღლე"]) >= 18
    assert min(ages["მშობელი"]) >= 40


def test_names_are_georgian_with_a_few_stray_spaces(ssa: list[Row]) -> None:
    given = {name for name, _ in names.MALE_GIVEN_NAMES + names.FEMALE_GIVEN_NAMES}
    family = {name for name, _ in names.FAMILY_NAMES}
    assert all(row["saxeli"].strip() in given and row["gvari"].strip() in family for row in ssa)
    spaced = sum(
        row["saxeli"] != row["saxeli"].strip() or row["gvari"] != row["gvari"].strip() for row in ssa
    )
    assert 0 < spaced <= len(ssa) * 0.03


def test_worknet_field_formats(worknet: list[Row]) -> None:
    territory = load_territory()
    municipalities = {m.name_en for m in territory.municipalities}
    slashed = 0
    for row in worknet:
        assert row["gender"] in {"male", "female"}
        assert row["municipality"] in municipalities
        assert row["address"].isascii() and "'" not in row["address"]
        assert row["first_name"].isascii() and row["last_name"].isascii()
        registered = date.fromisoformat(row["registered_at"])
        assert date(2017, 1, 1) <= registered <= date(2025, 12, 31)
        if "/" in row["birth_date"]:
            slashed += 1
            datetime.strptime(row["birth_date"], "%d/%m/%Y")
        else:
            date.fromisoformat(row["birth_date"])
        assert re.fullmatch(r"|\d{10,11}|\d\.\d{8}E\+\d\d", row["personal_id"])
        assert re.fullmatch(r"|5\d{8}", row["mobile"])
    assert 0.1 <= slashed / len(worknet) <= 0.3


def test_worknet_disagrees_with_ssa_realistically(pairs: list[tuple[Row, Row]]) -> None:
    def name_differs(ssa_row: Row, worknet_row: Row) -> bool:
        return (fold(ssa_row["saxeli"]), fold(ssa_row["gvari"])) != (
            fold(worknet_row["first_name"]),
            fold(worknet_row["last_name"]),
        )

    differ = sum(name_differs(s, w) for s, w in pairs) / len(pairs)
    assert 0.02 <= differ <= 0.25
    # Before folding most names differ a little (apostrophes aside they are mostly the national spelling).
    plain = sum(romanize(s["gvari"].strip(), apostrophes=False) == w["last_name"] for s, w in pairs) / len(
        pairs
    )
    assert 0.5 <= plain <= 0.88
    same_number = sum(s["piradi_nomeri"] == w["personal_id"] for s, w in pairs) / len(pairs)
    assert 0.8 <= same_number <= 0.97
    missing = sum(not w["personal_id"] for _, w in pairs) / len(pairs)
    assert 0.01 <= missing <= 0.1
    moved = sum(romanize(s["misamarti"], apostrophes=False) != w["address"] for s, w in pairs) / len(pairs)
    assert 0.05 <= moved <= 0.25
    same_sex = sum((s["sqesi"] == "მ") == (w["gender"] == "male") for s, w in pairs)
    assert same_sex == len(pairs)


def test_sampled_people_are_of_working_age(pairs: list[tuple[Row, Row]]) -> None:
    for ssa_row, _ in pairs:
        age = _age(datetime.strptime(ssa_row["dabadebis_tarigi"], "%d.%m.%Y").date())
        assert 18 <= age <= 64


def test_spelling_variants_fold_to_the_same_key() -> None:
    every_name = names.MALE_GIVEN_NAMES + names.FEMALE_GIVEN_NAMES + names.FAMILY_NAMES
    for name, _ in every_name:
        latin = romanize(name).lower()
        for old, new in SPELLING_VARIANTS:
            if old in latin:
                assert fold(latin.replace(old, new).replace("'", "")) == fold(name), (name, old, new)


def test_name_lists_are_clean() -> None:
    georgian = re.compile("[\u10d0-\u10f0]+")
    for table in (names.MALE_GIVEN_NAMES, names.FEMALE_GIVEN_NAMES, names.FAMILY_NAMES):
        assert len({name for name, _ in table}) == len(table)
        assert all(georgian.fullmatch(name) and weight > 0 for name, weight in table)
    assert len(names.MALE_GIVEN_NAMES) >= 100 and len(names.FEMALE_GIVEN_NAMES) >= 100
    assert len(names.FAMILY_NAMES) >= 350
    assert not {n for n, _ in names.MALE_GIVEN_NAMES} & {n for n, _ in names.FEMALE_GIVEN_NAMES}


@pytest.mark.parametrize(("mapping", "header"), [("ssa.toml", SSA_HEADER), ("worknet.toml", WORKNET_HEADER)])
def test_mappings_cover_the_headers(mapping: str, header: tuple[str, ...]) -> None:
    config = tomllib.loads((MAPPINGS / mapping).read_text(encoding="utf-8"))
    assert config["source"] == mapping.removesuffix(".toml")
    assert config["delimiter"] == (";" if config["source"] == "ssa" else ",")
    assert tuple(config["columns"]) == header
    targets = list(config["columns"].values())
    assert set(targets) <= TARGET_FIELDS and len(set(targets)) == len(targets)
    assert Counter(targets)["source_key"] == 1
