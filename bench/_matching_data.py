"""Synthetic vacancies and job seekers for bench/matching.py, with numpy only (no database), deterministic from the seed.

Built from the real ISCO-08 unit groups (`sakme/employment/data/isco08.json`, level 4) and the real 64 municipalities
with their regions and seats' coordinates (`sakme/geo/data/territory.json`):

* occupations: one unit group per vacancy, 1-4 per seeker (the first as popular as a vacancy's, Zipf over a shuffled
  list; the others mostly in the first one's minor or sub-major group, so that many pairs meet at some level);
* skills: a vocabulary of SKILLS with Zipf frequencies; half of the draws from the whole vocabulary, half from the
  part that goes with the row's sub-major group; 2-8 per vacancy (5 % of vacancies list none) and 1-10 per seeker;
* education (ISCED -1..8) around a level that goes with the major group; 35 % of vacancies require none;
* municipality: Tbilisi a third, the four other cities a few per cent each, the 59 communities the rest; 2 % of
  seekers and 0.5 % of vacancies with none; a fifth of seekers prefer 1-3 municipalities among the 6 nearest;
* work pattern -1..3 (-1 any); wages (log-normal, NaN for a third on both sides); LANGUAGE_BITS languages;
  accommodations needed by 4 % of seekers, offered by 15 % of vacancies;
* text: TEXT_DIMENSIONS dims, L2-normed: the topics of the row's sub-major, minor and unit groups plus noise, so that
  cosines run from 0 (clipped) for unrelated rows to ~0.6 for the same unit group.

`Table` keeps the rows as plain arrays; `side()` makes the engine's `Side` of them (scipy sparse), `dense()` the
plain dense arrays the brute force reads (numpy only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from _common import CODE

ISCO_FILE = CODE / "sakme" / "employment" / "data" / "isco08.json"
TERRITORY_FILE = CODE / "sakme" / "geo" / "data" / "territory.json"
ISCO_COLUMNS = 10_000
SKILLS = 2_000
LANGUAGE_BITS = 4  # ka, en, ru, az
MAX_CODES = 4
MAX_PREFERRED = 3
LEVEL_DIVISORS = (1, 10, 100, 1000)  # unit, minor, sub-major, major group of a 4-digit code
EDUCATION_BY_MAJOR = np.array([4, 7, 7, 5, 4, 3, 2, 3, 3, 2])  # a usual ISCED level for each major group 0-9


@dataclass
class World:
    """What both sides share: occupations and their popularity, skills, municipalities, text topics."""

    units: np.ndarray  # the 4-digit codes, sorted
    popularity: np.ndarray  # probability of each unit
    group_range: list[tuple[np.ndarray, np.ndarray]]  # per level: [lo, hi) in `units` of each unit's group
    skill_of_rank: np.ndarray  # global Zipf rank -> skill id
    skill_p: np.ndarray
    local_p: np.ndarray  # Zipf over the skills of a sub-major group
    skill_offset: np.ndarray  # per sub-major group (0..99): where its own skills start
    region: np.ndarray  # municipality -> region position
    lat: np.ndarray
    lon: np.ndarray
    names: list[str]
    nearest: np.ndarray  # municipality -> its 6 nearest others
    where_seekers: np.ndarray
    where_vacancies: np.ndarray
    topics: list[np.ndarray]  # per level: group key -> unit vector (dense over the keys, zeros where unused)
    dims: int


@dataclass
class Table:
    """One side's rows as plain arrays (-1 pads the codes and the preferred municipalities)."""

    codes: np.ndarray  # n x MAX_CODES int32, 4-digit ISCO codes as integers
    skill_ptr: np.ndarray  # CSR row pointers into skill_idx
    skill_idx: np.ndarray
    education: np.ndarray
    municipality: np.ndarray
    preferred: np.ndarray  # n x MAX_PREFERRED
    pattern: np.ndarray
    wage: np.ndarray
    languages: np.ndarray
    access: np.ndarray
    text: np.ndarray

    def __len__(self) -> int:
        return len(self.education)


def _zipf(n: int, exponent: float, shift: float = 1.0) -> np.ndarray:
    p = 1.0 / (np.arange(n) + shift) ** exponent
    return p / p.sum()


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(1.0, h)))


def world(seed: int, dims: int) -> World:
    rng = np.random.default_rng([seed, 1])
    isco = json.loads(ISCO_FILE.read_text(encoding="utf-8"))["groups"]
    units = np.array(sorted(int(g["code"]) for g in isco if g["level"] == 4), dtype=np.int32)
    popularity = _zipf(len(units), 0.9, 3.0)[rng.permutation(len(units))]
    ranges = []
    for divisor in LEVEL_DIVISORS:
        key = units // divisor
        ranges.append((np.searchsorted(key, key, "left"), np.searchsorted(key, key, "right")))
    territory = json.loads(TERRITORY_FILE.read_text(encoding="utf-8"))
    places = territory["municipalities"]
    regions = {code: i for i, code in enumerate(sorted({m["region"] for m in places}))}
    lat = np.array([m["lat"] for m in places], dtype=np.float64)
    lon = np.array([m["lon"] for m in places], dtype=np.float64)
    km = _haversine(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    weight = np.array([{"tbilisi": 0.33, "batumi": 0.045, "kutaisi": 0.04, "rustavi": 0.035, "poti": 0.012}.get(
        m["code"], 0.0) for m in places])
    communities = weight == 0
    spread = rng.lognormal(0.0, 0.5, communities.sum())
    weight[communities] = (1 - weight.sum()) * spread / spread.sum()
    in_tbilisi = np.array([m["code"] == "tbilisi" for m in places])
    vacancy_weight = np.where(in_tbilisi, 0.45, weight * (1 - 0.45) / weight[~in_tbilisi].sum())
    topics = []
    for divisor in (100, 10, 1):
        vectors = rng.standard_normal((10_000 // divisor, dims)).astype(np.float32)
        topics.append(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    return World(units, popularity, ranges, rng.permutation(SKILLS), _zipf(SKILLS, 1.0, 2.0), _zipf(150, 1.1),
                 rng.integers(0, SKILLS, 100), np.array([regions[m["region"]] for m in places], dtype=np.int32),
                 lat, lon, [m["code"] for m in places], np.argsort(km, axis=1)[:, 1:7], weight / weight.sum(),
                 vacancy_weight / vacancy_weight.sum(), topics, dims)


def _codes(w: World, rng: np.random.Generator, n: int, max_codes: int) -> np.ndarray:
    codes = np.full((n, MAX_CODES), -1, dtype=np.int32)
    first = rng.choice(len(w.units), n, p=w.popularity)
    codes[:, 0] = w.units[first]
    if max_codes > 1:
        count = rng.choice(np.arange(1, max_codes + 1), n, p=[0.4, 0.3, 0.2, 0.1][:max_codes])
        for j in range(1, max_codes):
            level = rng.choice([1, 2, 4], n, p=[0.45, 0.4, 0.15])  # same minor, same sub-major, anywhere
            pick = rng.integers(0, len(w.units), n)
            for lv in (1, 2):
                lo, hi = w.group_range[lv]
                inside = lo[first] + (rng.random(n) * (hi[first] - lo[first])).astype(np.int64)
                pick = np.where(level == lv, inside, pick)
            code = w.units[pick]
            fresh = (count > j) & ~(codes[:, :j] == code[:, None]).any(axis=1)
            codes[:, j] = np.where(fresh, code, -1)
    return codes


def _skills(w: World, rng: np.random.Generator, codes: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.repeat(np.arange(len(count)), count)
    wide = w.skill_of_rank[rng.choice(SKILLS, len(rows), p=w.skill_p)]
    own = (w.skill_offset[codes[rows, 0] // 100] + rng.choice(len(w.local_p), len(rows), p=w.local_p)) % SKILLS
    skill = np.where(rng.random(len(rows)) < 0.5, wide, own)
    pairs = np.unique(rows.astype(np.int64) * SKILLS + skill)  # sorted, each skill once a row
    ptr = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs // SKILLS, minlength=len(count)), out=ptr[1:])
    return ptr, (pairs % SKILLS).astype(np.int32)


def _text(w: World, rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    n = len(codes)
    text = np.zeros((n, w.dims), dtype=np.float32)
    for j in range(codes.shape[1]):
        valid = codes[:, j] >= 0
        if not valid.any():
            continue
        c = codes[valid, j]
        text[valid] += 0.6 * w.topics[0][c // 100] + 0.5 * w.topics[1][c // 10] + 0.4 * w.topics[2][c]
    text += 0.7 * rng.standard_normal((n, w.dims), dtype=np.float32) / np.sqrt(np.float32(w.dims))
    return text / np.linalg.norm(text, axis=1, keepdims=True)


def _education(rng: np.random.Generator, codes: np.ndarray, unknown: float) -> np.ndarray:
    level = np.clip(EDUCATION_BY_MAJOR[codes[:, 0] // 1000] + rng.integers(-2, 2, len(codes)), 0, 8)
    return np.where(rng.random(len(codes)) < unknown, -1, level).astype(np.int16)


def _wage(rng: np.random.Generator, codes: np.ndarray, median: float) -> np.ndarray:
    factor = np.where(codes[:, 0] // 1000 <= 2, 1.6, 1.0)
    wage = np.round(median * factor * rng.lognormal(0.0, 0.4, len(codes)) / 50) * 50
    return np.where(rng.random(len(codes)) < 1 / 3, np.nan, wage)


def _languages(rng: np.random.Generator, n: int, shares: tuple[float, ...], any_share: float = 1.0) -> np.ndarray:
    mask = np.zeros(n, dtype=np.int64)
    for bit, share in enumerate(shares):
        mask |= (rng.random(n) < share).astype(np.int64) << bit
    return np.where(rng.random(n) < any_share, mask, 0)


def vacancies(w: World, seed: int, n: int) -> Table:
    rng = np.random.default_rng([seed, 2])
    codes = _codes(w, rng, n, 1)
    count = np.where(rng.random(n) < 0.05, 0, rng.integers(2, 9, n))
    ptr, idx = _skills(w, rng, codes, count)
    municipality = rng.choice(len(w.names), n, p=w.where_vacancies).astype(np.int32)
    return Table(codes, ptr, idx, _education(rng, codes, 0.35),
                 np.where(rng.random(n) < 0.005, -1, municipality).astype(np.int32),
                 np.full((n, MAX_PREFERRED), -1, dtype=np.int32),
                 rng.choice(np.arange(-1, 4), n, p=[0.4, 0.45, 0.08, 0.05, 0.02]).astype(np.int16),
                 _wage(rng, codes, 1100.0), _languages(rng, n, (0.7, 0.35, 0.2, 0.03), 0.45),
                 rng.random(n) < 0.15, _text(w, rng, codes))


def seekers(w: World, seed: int, n: int) -> Table:
    rng = np.random.default_rng([seed, 3])
    codes = _codes(w, rng, n, MAX_CODES)
    ptr, idx = _skills(w, rng, codes, rng.integers(1, 11, n))
    municipality = rng.choice(len(w.names), n, p=w.where_seekers).astype(np.int32)
    preferred = np.full((n, MAX_PREFERRED), -1, dtype=np.int32)
    prefers = rng.random(n) < 0.2
    how_many = rng.integers(1, MAX_PREFERRED + 1, n)
    for j in range(MAX_PREFERRED):
        pick = w.nearest[municipality, rng.integers(0, w.nearest.shape[1], n)]
        fresh = prefers & (how_many > j) & ~(preferred[:, :j] == pick[:, None]).any(axis=1)
        preferred[:, j] = np.where(fresh, pick, -1)
    return Table(codes, ptr, idx, _education(rng, codes, 0.08),
                 np.where(rng.random(n) < 0.02, -1, municipality).astype(np.int32), preferred,
                 rng.choice(np.arange(-1, 4), n, p=[0.3, 0.4, 0.15, 0.1, 0.05]).astype(np.int16),
                 _wage(rng, codes, 1000.0), _languages(rng, n, (0.92, 0.3, 0.45, 0.06)),
                 rng.random(n) < 0.04, _text(w, rng, codes))


def _binary(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    matrix.data[:] = 1
    return matrix


def side(w: World, t: Table) -> object:
    """The engine's `Side` of these rows (columns and dtypes as `features._side` makes them)."""
    from sakme.matching.engine import Side

    n = len(t)
    r, c = np.nonzero(t.codes >= 0)
    occupations = _binary(r, t.codes[r, c], (n, ISCO_COLUMNS))
    skills = sp.csr_matrix((np.ones(len(t.skill_idx), dtype=np.float32), t.skill_idx, t.skill_ptr), shape=(n, SKILLS))
    r, c = np.nonzero(t.preferred >= 0)
    preferred = _binary(r, t.preferred[r, c], (n, len(w.names)))
    known = t.municipality >= 0
    at = np.maximum(t.municipality, 0)
    return Side(ids=np.arange(1, n + 1, dtype=np.int64), occupations=occupations, skills=skills,
                education=t.education, municipality=t.municipality,
                region=np.where(known, w.region[at], -1).astype(np.int32),
                lat=np.where(known, w.lat[at], np.nan), lon=np.where(known, w.lon[at], np.nan),
                preferred=preferred, pattern=t.pattern, wage=t.wage, languages=t.languages, access=t.access,
                text=t.text)


def dense(w: World, t: Table, rows: np.ndarray | slice | None = None) -> dict[str, object]:
    """The rows as plain dense numpy arrays for the brute force: one-hot occupations at each ISCO level (over that
    level's groups), skills and languages as 0/1 float32 matrices, preferred municipalities as a bool matrix."""
    index = np.arange(len(t))[rows if rows is not None else slice(None)]
    n = len(index)
    codes = t.codes[index]
    levels = []
    for divisor in LEVEL_DIVISORS:
        groups = np.unique(w.units // divisor)
        onehot = np.zeros((n, len(groups)), dtype=np.float32)
        r, c = np.nonzero(codes >= 0)
        onehot[r, np.searchsorted(groups, codes[r, c] // divisor)] = 1.0
        levels.append(onehot)
    skills = np.zeros((n, SKILLS), dtype=np.float32)
    counts = t.skill_ptr[index + 1] - t.skill_ptr[index]
    starts = np.repeat(t.skill_ptr[index], counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts,
                                                                                         counts)
    skills[np.repeat(np.arange(n), counts), t.skill_idx[starts]] = 1.0
    preferred = np.zeros((n, len(w.names)), dtype=bool)
    pref = t.preferred[index]
    r, c = np.nonzero(pref >= 0)
    preferred[r, pref[r, c]] = True
    municipality = t.municipality[index]
    known = municipality >= 0
    at = np.maximum(municipality, 0)
    bits = ((t.languages[index][:, None] >> np.arange(LANGUAGE_BITS)) & 1).astype(np.float32)
    return {"levels": levels, "skills": skills, "education": t.education[index].astype(np.int64),
            "municipality": municipality.astype(np.int64), "region": np.where(known, w.region[at], -1),
            "lat": np.where(known, w.lat[at], np.nan), "lon": np.where(known, w.lon[at], np.nan),
            "preferred": preferred, "pattern": t.pattern[index].astype(np.int64), "wage": t.wage[index],
            "languages": bits, "access": t.access[index], "text": t.text[index]}


def describe(t: Table) -> dict[str, float]:
    """A few shapes of the rows, for the output."""
    codes = (t.codes >= 0).sum(axis=1)
    skills = np.diff(t.skill_ptr)
    return {"rows": len(t), "codes_mean": round(float(codes.mean()), 2), "skills_mean": round(float(skills.mean()), 2),
            "no_skills_pct": round(100 * float((skills == 0).mean()), 1),
            "no_municipality_pct": round(100 * float((t.municipality < 0).mean()), 1),
            "preferring_pct": round(100 * float((t.preferred[:, 0] >= 0).mean()), 1),
            "wage_unknown_pct": round(100 * float(np.isnan(t.wage).mean()), 1)}
