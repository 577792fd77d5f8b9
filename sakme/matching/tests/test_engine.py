"""The scoring engine on tables built by hand: each signal as documented, blocks equal single rows, top-k order."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sakme.matching import engine
from sakme.matching.engine import Side
from sakme.matching.reasons import reasons


def side(codes, *, skills=None, n_skills=5, education=None, municipality=None, region=None, lat=None, lon=None,
         preferred=None, pattern=None, wage=None, access=None, text=None) -> Side:
    n = len(codes)

    def binary(cells, columns):
        m = sp.lil_matrix((n, columns), dtype=np.float32)
        for i, row in enumerate(cells):
            for c in row:
                m[i, c] = 1
        return m.tocsr()

    return Side(
        ids=np.arange(1, n + 1), occupations=binary(codes, 10_000), skills=binary(skills or [[]] * n, n_skills),
        education=np.array(education or [-1] * n), municipality=np.array(municipality or [-1] * n),
        region=np.array(region or [-1] * n), lat=np.array(lat or [np.nan] * n, dtype=float),
        lon=np.array(lon or [np.nan] * n, dtype=float), preferred=binary(preferred or [[]] * n, 4),
        pattern=np.array(pattern or [-1] * n), wage=np.array(wage or [np.nan] * n, dtype=float),
        languages=np.zeros(n, dtype=np.int64), access=np.array(access or [False] * n),
        text=np.array(text or [[0.0, 1.0]] * n, dtype=np.float32))


def test_occupations_meet_at_the_closest_isco_level():
    seeker = side([[7411]])
    vacancies = side([[7411], [7412], [7421], [7111], [5120], [9999]])
    credit = engine.score(seeker, vacancies).parts["occupation"][0]
    assert credit.tolist() == pytest.approx([1.0, 0.6, 0.35, 0.15, 0.0, 0.0])


def test_any_of_the_seekers_occupations_counts_the_best_one():
    seeker = side([[5120, 7412]])
    assert engine.score(seeker, side([[7411]])).parts["occupation"][0, 0] == pytest.approx(0.6)


def test_skills_are_the_share_of_the_required_ones_covered():
    seeker = side([[1]], skills=[[0, 1, 2]])
    vacancies = side([[1]] * 3, skills=[[0, 1, 3, 4], [], [2]])
    scores = engine.score(seeker, vacancies)
    assert scores.parts["skills"][0].tolist() == pytest.approx([0.5, 0.5, 1.0])
    assert scores.skills_covered[0].tolist() == [2, 0, 1]


def test_place_same_preferred_near_same_region_far():
    seeker = side([[1]], municipality=[0], region=[0], lat=[41.7151], lon=[44.8271], preferred=[[2]])
    vacancies = side([[1]] * 5, municipality=[0, 2, 1, 3, 3], region=[0, 1, 0, 1, 0],
                     lat=[41.7151, 42.2679, 41.5495, 42.2679, 42.2679], lon=[44.8271, 42.7180, 44.9939, 42.718, 42.718])
    scores = engine.score(seeker, vacancies)
    place = scores.parts["place"][0]
    assert place[0] == 1.0 and place[1] == 1.0  # the same municipality, a preferred one (though 190 km away)
    assert 0.5 < place[2] < 1.0 and 15 < scores.km[0, 2] < 30  # Rustavi from Tbilisi: about 20 km
    assert place[3] == 0.0 and place[4] == pytest.approx(engine.SAME_REGION)  # far; far but in the region


def test_education_pattern_wage_and_access():
    seeker = side([[1]], education=[3], pattern=[0], wage=[1000.0], access=[True])
    vacancies = side([[1]] * 4, education=[3, 4, 6, -1], pattern=[0, 1, -1, 0], wage=[1200.0, 500.0, np.nan, 1000.0],
                     access=[True, False, False, True])
    parts = engine.score(seeker, vacancies).parts
    assert parts["education"][0].tolist() == [1.0, 0.5, 0.0, 1.0]
    assert parts["pattern"][0].tolist() == pytest.approx([1.0, 0.3, 1.0, 1.0])
    assert parts["wage"][0].tolist() == pytest.approx([1.0, 0.5, 1.0, 1.0])
    assert parts["access"][0].tolist() == [1.0, 0.0, 0.0, 1.0]


def test_a_block_of_seekers_scores_as_each_seeker_alone():
    rng = np.random.default_rng(3)
    n, m = 6, 9
    seekers = side([[int(c)] for c in rng.integers(1000, 9999, n)], skills=[[0, 2], [1], [], [3, 4], [0], [2, 3]],
                   education=rng.integers(-1, 8, n).tolist(), municipality=rng.integers(0, 4, n).tolist(),
                   region=rng.integers(0, 2, n).tolist(), lat=rng.uniform(41, 43, n).tolist(),
                   lon=rng.uniform(41, 46, n).tolist(), text=rng.normal(size=(n, 2)).tolist())
    vacancies = side([[int(c)] for c in rng.integers(1000, 9999, m)], skills=[[0], [1, 2], [], [3], [4], [0, 1],
                     [2], [3, 4], [1]], education=rng.integers(-1, 8, m).tolist(),
                     municipality=rng.integers(0, 4, m).tolist(), region=rng.integers(0, 2, m).tolist(),
                     lat=rng.uniform(41, 43, m).tolist(), lon=rng.uniform(41, 46, m).tolist(),
                     text=rng.normal(size=(m, 2)).tolist())
    block = engine.score(seekers, vacancies).total
    for i in range(n):
        assert np.allclose(block[i], engine.score(seekers.rows([i]), vacancies).total[0])
    assert np.allclose(block[:, 4], engine.score(seekers, vacancies.rows([4])).total[:, 0])


def test_top_is_highest_first_ties_by_position():
    assert engine.top(np.array([0.2, 0.9, 0.5, 0.9, 0.1]), 3).tolist() == [1, 3, 2]
    assert engine.top(np.array([0.2]), 5).tolist() == [0]


def test_reasons_say_when_a_place_is_not_known_and_name_what_is_missing():
    seeker = side([[7411]], skills=[[0]], municipality=[-1])
    vacancy = side([[7411]], skills=[[0, 1]], municipality=[2], region=[1], lat=[42.27], lon=[42.72])
    scores = engine.score(seeker, vacancy)
    words = [r.code for r in reasons(scores, 0, 0, seeker, vacancy, ["wiring", "soldering", "", "", ""])]
    assert words == ["occupation_unit", "skills", "skills_missing", "place_unknown", "text_similar"]  # same texts
    assert reasons(scores, 0, 0, seeker, vacancy, ["wiring", "soldering"])[2].text == "missing: soldering"
