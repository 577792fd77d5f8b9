"""Scoring pairs with a trained model and sorting them: accepted, for review, or dropped.

Every pair at or above the upper threshold is linked automatically, except where a record has a better
candidate in the same other source: across two sources a person has one record each, so the weaker of two
competing links goes to review instead. Pairs between the thresholds go to review; the rest are dropped
(the prediction itself filters at the lower threshold, so they are never materialised).
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import numpy as np
from django.utils.translation import gettext as _
from splink import Linker

from sakme.common.errors import DomainError
from sakme.linkage import specification
from sakme.linkage.backends import SPLINK_LOG_LEVEL, Backend
from sakme.linkage.training import Inputs

PREDICTIONS = "predictions"
SCORED = "scored_pairs"
TF_COLUMNS = ("given_name", "given_key", "family_name", "family_key")
CONFLICT_VALUE = 0.5


def with_current_rules(model: dict[str, Any], link: bool, dialect: str) -> dict[str, Any]:
    """The model with today's blocking rules (the ones the pre-run check counted), in `dialect`'s SQL.

    m, u, term frequencies and the prior are the model's. A model trained on one engine runs on the other: its
    levels' SQL is written anew for the engine from the specification, level by level.
    """
    current = specification.settings_for("link_only" if link else "dedupe_only", dialect).create_settings_dict(dialect)
    model = {**model, "blocking_rules_to_generate_predictions": current["blocking_rules_to_generate_predictions"]}
    if model.get("sql_dialect", dialect) == dialect:
        return model
    stored_names = [c["output_column_name"] for c in model["comparisons"]]
    if stored_names != [c["output_column_name"] for c in current["comparisons"]] or any(
            [lv.get("label_for_charts") for lv in stored["comparison_levels"]]
            != [lv.get("label_for_charts") for lv in fresh["comparison_levels"]]
            for stored, fresh in zip(model["comparisons"], current["comparisons"], strict=True)):
        raise DomainError(_("The model compares records differently from this version of sakme: train a new "
                            "model (retrain) to run it on %(e)s.") % {"e": dialect})
    comparisons = [
        {**stored, "comparison_levels": [{**level, "sql_condition": fresh_level["sql_condition"]}
                                         for level, fresh_level in zip(stored["comparison_levels"],
                                                                       fresh["comparison_levels"], strict=True)]}
        for stored, fresh in zip(model["comparisons"], current["comparisons"], strict=True)]
    return {**model, "comparisons": comparisons, "sql_dialect": dialect}


def score(backend: Backend, inputs: Inputs, model: dict[str, Any], *, lower: float) -> Linker:
    """Score all blocked pairs of the scope into the DuckDB table PREDICTIONS."""
    linker = Linker(inputs.frames, with_current_rules(model, inputs.link, backend.dialect), log_level=SPLINK_LOG_LEVEL)
    predictions = linker.inference.predict(threshold_match_probability=lower, warning_mode="never")
    backend.to_duckdb(predictions, PREDICTIONS)
    predictions.drop_table_from_database_and_remove_from_cache()
    return linker


# A model just trained scores with a review threshold this many times lower, so that the pairs a better prior
# lifts above it are there to be lifted; refine_prior then drops what stays below the real threshold.
PRIOR_HEADROOM = 100
PRIOR_ROUNDS = 200


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def refine_prior(con: duckdb.DuckDBPyConnection, *, prior: float, pairs: float, lower: float) -> float:
    """The match prior that the scored pairs themselves imply, and PREDICTIONS re-weighted by it.

    The prior from deterministic rules counts only the matches exact on names and birth date, and guesses how
    many it missed; on noisy sources it misses most, and every probability comes out too low. With m and u
    fixed, the prior that explains the scores best is the fixed point of λ = Σ P(match | pair, λ) / (all pairs):
    the expectation-maximisation step for λ alone, over the blocked pairs (a pair no rule blocks counts as a
    non-match). Each pair's Bayes factor stays; its weight moves by the change of the prior's log-odds.
    """
    weights = np.asarray(con.execute(f"SELECT match_weight FROM {PREDICTIONS}").fetchnumpy()["match_weight"],
                         dtype=np.float64)
    if not len(weights) or pairs <= 0:
        return prior
    factors = weights - _logit2(prior)
    refined = prior
    for _round in range(PRIOR_ROUNDS):
        logit = np.clip(factors + _logit2(refined), -60, 60)
        estimate = float(np.sum(1.0 / (1.0 + np.exp2(-logit))) / pairs)
        estimate = min(0.5, max(estimate, 1e-12))
        if abs(estimate - refined) <= 1e-4 * refined:
            refined = estimate
            break
        refined = estimate
    shift = _logit2(refined) - _logit2(prior)
    con.execute(f"""
        UPDATE {PREDICTIONS} SET match_weight = match_weight + {shift},
                                 match_probability = 1 / (1 + pow(2, -(match_weight + {shift})))""")
    con.execute(f"DELETE FROM {PREDICTIONS} WHERE match_probability < {lower}")
    return refined


def score_new(backend: Backend, existing: Inputs, new: Inputs, model: dict[str, Any], *, lower: float) -> bool:
    """Score the new records against the existing ones and among themselves (DuckDB), into PREDICTIONS.

    Term frequencies come from existing and new records together, as a full run would compute them.
    False when there was nothing to compare.
    """
    con = backend.con
    linker = Linker(existing.frames, with_current_rules(model, existing.link, backend.dialect),
                    log_level=SPLINK_LOG_LEVEL)
    for column in TF_COLUMNS:
        table = f"tf_lookup_{column}"
        con.execute(f"""
            CREATE OR REPLACE TABLE {table} AS
            SELECT {column}, count(*) / sum(count(*)) OVER () AS tf_{column}
            FROM (SELECT {column} FROM {existing.table} UNION ALL SELECT {column} FROM {new.table})
            WHERE {column} IS NOT NULL GROUP BY {column}""")
        linker.table_management.register_term_frequency_lookup(backend.db_api.register(table, table_name=table),
                                                               column)
    parts = []
    if existing.frames and new.frames:
        between = linker.inference.predict_between(existing.frames, new.frames, threshold_match_probability=lower,
                                                   warning_mode="never")
        parts.append(between)
    if len(new.frames) > 1 or (new.frames and not new.link):
        within = linker.inference.predict_within(new.frames if new.link else new.frames[0],
                                                 threshold_match_probability=lower, warning_mode="never")
        parts.append(within)
    if not parts:
        return False
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {p.physical_name}" for p in parts)
    con.execute(f"CREATE OR REPLACE TABLE {PREDICTIONS} AS {union}")
    return True


def classify(con: duckdb.DuckDBPyConnection, model: dict[str, Any], *, upper: float, link: bool) -> int:
    """PREDICTIONS -> SCORED(record_a, record_b, probability, match_weight, comparisons, status, value)."""
    names = [c["output_column_name"] for c in model["comparisons"]]
    columns = {row[0] for row in con.execute(f"DESCRIBE {PREDICTIONS}").fetchall()}
    parts = []
    for name in names:
        weight = f"mw_{name}" + (f" + coalesce(mw_tf_adj_{name}, 0)" if f"mw_tf_adj_{name}" in columns else "")
        parts.append(f"\"{name}\" := [CAST(gamma_{name} AS DOUBLE), round({weight}, 3)]")
    mutual = "rank_l = 1 AND rank_r = 1" if link else "TRUE"
    source_l, source_r = (("source_dataset_l", "source_dataset_r") if "source_dataset_r" in columns
                          else ("NULL", "NULL"))
    con.execute(f"""
        CREATE OR REPLACE TABLE {SCORED} AS
        WITH ranked AS (
            SELECT *,
                row_number() OVER (PARTITION BY unique_id_l, {source_r}
                                   ORDER BY match_probability DESC, unique_id_r) AS rank_l,
                row_number() OVER (PARTITION BY unique_id_r, {source_l}
                                   ORDER BY match_probability DESC, unique_id_l) AS rank_r
            FROM {PREDICTIONS}
            WHERE unique_id_l <> unique_id_r
        )
        SELECT least(unique_id_l, unique_id_r) AS record_a, greatest(unique_id_l, unique_id_r) AS record_b,
               match_probability AS probability, match_weight,
               CAST(to_json(struct_pack({', '.join(parts)})) AS VARCHAR) AS comparisons,
               CASE WHEN match_probability >= {upper} AND {mutual} THEN 'auto_accepted' ELSE 'review' END AS status,
               CASE WHEN match_probability >= {upper} THEN {CONFLICT_VALUE}
                    ELSE least(match_probability, 1 - match_probability) END AS value
        FROM ranked
        QUALIFY row_number() OVER (PARTITION BY record_a, record_b ORDER BY match_probability DESC) = 1
    """)
    return int(con.execute(f"SELECT count(*) FROM {SCORED}").fetchall()[0][0])
