"""The match prior taken from the scores: the fixed point of λ = Σ P(match | pair, λ) / all pairs."""

from __future__ import annotations

import math

import duckdb
import pytest

from sakme.linkage import scoring


def _predictions(weights: list[float]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE {scoring.PREDICTIONS} (match_weight DOUBLE, match_probability DOUBLE)")
    for weight in weights:
        con.execute(f"INSERT INTO {scoring.PREDICTIONS} VALUES (?, 1 / (1 + pow(2, -?)))", [weight, weight])
    return con


def test_a_prior_guessed_too_low_moves_to_what_the_scores_say():
    # 10,000 pairs in all. Scored at a prior of 1e-4: 20 pairs with a Bayes factor of 2^40 (certain matches
    # whatever the prior) and 30 with a factor of 1 (no evidence either way). The fixed point is λ with
    # λ · 10,000 = 20 + 30 λ, i.e. λ = 20 / 9,970.
    guess = 1e-4
    logit = math.log2(guess / (1 - guess))
    con = _predictions([40 + logit] * 20 + [logit] * 30)
    refined = scoring.refine_prior(con, prior=guess, pairs=10_000, lower=0.5)
    assert refined == pytest.approx(20 / 9_970, rel=1e-3)
    # The weights moved by the change of the prior's log-odds; the undecided pairs fell below the threshold.
    probabilities = [row[0] for row in con.execute(f"SELECT match_probability FROM {scoring.PREDICTIONS}").fetchall()]
    assert len(probabilities) == 20 and min(probabilities) > 0.999


def test_no_pairs_keep_the_prior():
    con = _predictions([])
    assert scoring.refine_prior(con, prior=1e-5, pairs=1_000, lower=0.5) == 1e-5
