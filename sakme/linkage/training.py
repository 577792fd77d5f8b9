"""Training a model without labels: the match prior from deterministic rules, u from random pairs (and, for
exact agreement, counted exactly), m by expectation maximisation on blocked pairs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
from splink import Linker

from sakme.linkage import conf, specification
from sakme.linkage.backends import SPLINK_LOG_LEVEL, Backend
from sakme.linkage.blocking import count_rule

MIN_TRAINING_PAIRS = 50
# A round of EM needs agreement patterns, not every pair: above this, Splink samples the blocked pairs.
EM_MAX_PAIRS = 1_000_000
# Iterations a round of EM may take: the settings' maximum, then fewer when an m underflows (see _em_round).
EM_ITERATIONS = (20, 8, 3)
U_SEED = 2026
# Synthetic or very clean data teaches EM that matches never disagree on, say, sex (m ~ 1e-12, a weight of
# -37): one typo would then veto a link that everything else supports. No level is given less than this.
M_FLOOR = 1e-3

# Exact-agreement levels whose u is counted over all records, not sampled: (comparison, level label, column,
# the column of a more specific level above it whose share is taken out, or "").
EXACT_LEVELS: tuple[tuple[str, str, str, str], ...] = (
    ("personal_number", "same number", "personal_number", ""),
    ("given_name", "same name", "given_name", ""),
    ("given_name", "same name in another spelling", "given_key", "given_name"),
    ("family_name", "same name", "family_name", ""),
    ("family_name", "same name in another spelling", "family_key", "family_name"),
    ("birth_date", "same date", "birth_date", ""),
    ("sex", "same", "sex", ""),
    ("municipality_id", "same", "municipality_id", ""),
    ("address", "same address", "address", ""),
    ("phone", "same number", "phone", ""),
)


@dataclass
class Inputs:
    """The prepared records of a scope: one DuckDB table, one Splink input per source."""

    table: str
    sources: list[str]
    link: bool
    frames: list[Any] = field(default_factory=list)

    @property
    def link_type(self) -> str:
        return "link_only" if self.link else "dedupe_only"


def register_inputs(backend: Backend, table: str, sources: Sequence[str], *, link: bool) -> Inputs:
    """One Splink input per source (a view of the prepared table) so that link_only joins source to source."""
    inputs = Inputs(table=table, sources=list(sources), link=link)
    for source in sources if link else sources[:1]:
        part = f"{table}__{len(inputs.frames)}"
        backend.con.execute(f"CREATE OR REPLACE TABLE {part} AS SELECT * FROM {table} WHERE source_dataset = ?",
                            [source])
        inputs.frames.append(backend.register(part, source))
    return inputs


def pair_total(con: duckdb.DuckDBPyConnection, inputs: Inputs, column: str = "") -> float:
    """All pairs of the scope (with `column` known on both sides, if given)."""
    where = f"AND {column} IS NOT NULL" if column else ""
    counts = [int(con.execute(f"SELECT count(*) FROM {inputs.table} WHERE source_dataset = ? {where}",
                              [s]).fetchall()[0][0]) for s in inputs.sources]
    if inputs.link:
        return float(sum(a * b for i, a in enumerate(counts) for b in counts[i + 1:]))
    return counts[0] * (counts[0] - 1) / 2


def _agreeing(con: duckdb.DuckDBPyConnection, inputs: Inputs, column: str) -> float:
    """Pairs of the scope that agree exactly on `column`."""
    if inputs.link:
        total = 0.0
        for i, a in enumerate(inputs.sources):
            for b in inputs.sources[i + 1:]:
                total += float(con.execute(f"""
                    WITH x AS (SELECT {column} AS v, count(*) AS n FROM {inputs.table}
                               WHERE source_dataset = ? AND {column} IS NOT NULL GROUP BY 1),
                         y AS (SELECT {column} AS v, count(*) AS n FROM {inputs.table}
                               WHERE source_dataset = ? AND {column} IS NOT NULL GROUP BY 1)
                    SELECT coalesce(sum(x.n * y.n), 0) FROM x JOIN y USING (v)""", [a, b]).fetchall()[0][0])
        return total
    return float(con.execute(f"""
        SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (
            SELECT count(*) AS n FROM {inputs.table}
            WHERE source_dataset = ? AND {column} IS NOT NULL GROUP BY {column})
    """, [inputs.sources[0]]).fetchall()[0][0])


def estimate_prior(con: duckdb.DuckDBPyConnection, inputs: Inputs) -> tuple[float, dict[str, Any]]:
    """Probability that two random records match: deterministic matches, scaled up by the rules' recall.

    Personal number and birth date first; names and birth date when no personal numbers are shared.
    With no deterministic match at all (sources without common people), half a match in all pairs.
    """
    total = pair_total(con, inputs)
    if total == 0:
        return 1e-6, {"deterministic_matches": 0, "pairs": 0, "rule": ""}
    for rules in (specification.DETERMINISTIC_RULES, specification.FALLBACK_DETERMINISTIC_RULES):
        matches = sum(_deterministic_matches(con, inputs, rule) for rule in rules)
        if matches:
            prior = min(0.5, matches / specification.DETERMINISTIC_RECALL / total)
            return prior, {"deterministic_matches": matches, "pairs": total, "rule": " | ".join(rules)}
    return 0.5 / total, {"deterministic_matches": 0, "pairs": total, "rule": ""}


def _deterministic_matches(con: duckdb.DuckDBPyConnection, inputs: Inputs, rule: str) -> int:
    if inputs.link:
        pairs = " OR ".join(f"(l.source_dataset = '{a}' AND r.source_dataset = '{b}')"
                            for i, a in enumerate(inputs.sources) for b in inputs.sources[i + 1:])
        condition = f"({pairs})"
    else:
        condition = "l.unique_id < r.unique_id"
    return int(con.execute(f"SELECT count(*) FROM {inputs.table} l JOIN {inputs.table} r ON {rule} "
                           f"WHERE {condition}").fetchall()[0][0])


def _case(comparison: dict[str, Any]) -> str:
    """The comparison's level (gamma) as Splink numbers it: -1 for null, then n-1 down to 0 in order."""
    levels = comparison["comparison_levels"]
    counted = [lv for lv in levels if not lv.get("is_null_level")]
    parts = []
    for level in levels:
        gamma = -1 if level.get("is_null_level") else len(counted) - 1 - counted.index(level)
        condition = level["sql_condition"]
        parts.append(f"ELSE {gamma}" if condition.strip().upper() == "ELSE" else f"WHEN {condition} THEN {gamma}")
    return f"CASE {' '.join(parts)} END"


def sampled_u(con: duckdb.DuckDBPyConnection, inputs: Inputs, model: dict[str, Any], *, pairs: int,
              seed: int = U_SEED) -> dict[str, Any]:
    """u of every level from one pass over random pairs (Splink's sampler scans the pairs once per comparison).

    `model` must be in DuckDB's dialect; its levels' SQL is evaluated as Splink would, on the same columns.
    """
    columns = [row[0] for row in con.execute(f"DESCRIBE {inputs.table}").fetchall()]
    sides = inputs.sources[:2] if inputs.link else inputs.sources[:1] * 2
    sizes = [int(con.execute(f"SELECT count(*) FROM {inputs.table} WHERE source_dataset = ?", [s]).fetchall()[0][0])
             for s in sides]
    if min(sizes) == 0:
        return model
    # As many pairs as asked, split evenly between the sides where both are large enough.
    left = max(1, min(sizes[0], int(pairs ** 0.5), pairs // max(1, min(sizes[1], int(pairs ** 0.5)))))
    right = max(1, min(sizes[1], pairs // left))
    select_l = ", ".join(f'l."{c}" AS "{c}_l"' for c in columns)
    select_r = ", ".join(f'r."{c}" AS "{c}_r"' for c in columns)
    distinct = "" if inputs.link else "WHERE l.unique_id < r.unique_id"
    cases = ", ".join(f"{_case(c)} AS g{i}" for i, c in enumerate(model["comparisons"]))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE u_sample AS
        WITH l AS (SELECT * FROM {inputs.table} WHERE source_dataset = '{sides[0]}'
                   USING SAMPLE {left} ROWS (reservoir, {seed})),
             r AS (SELECT * FROM {inputs.table} WHERE source_dataset = '{sides[1]}'
                   USING SAMPLE {right} ROWS (reservoir, {seed + 1})),
             pairs AS (SELECT {select_l}, {select_r} FROM l CROSS JOIN r {distinct})
        SELECT {cases} FROM pairs""")
    for i, comparison in enumerate(model["comparisons"]):
        counts = dict(con.execute(f"SELECT g{i}, count(*) FROM u_sample WHERE g{i} >= 0 GROUP BY 1").fetchall())
        total = sum(counts.values())
        counted = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for index, level in enumerate(counted):
            seen = counts.get(len(counted) - 1 - index, 0)
            level["u_probability"] = seen / total if seen else 1.0 / max(total, 1)
    con.execute("DROP TABLE u_sample")
    return model


def exact_u(con: duckdb.DuckDBPyConnection, inputs: Inputs, model: dict[str, Any]) -> dict[str, Any]:
    """Replace the sampled u of exact-agreement levels by their exact share among all pairs.

    Sampling a million pairs sees a shared personal number about once; counting sees all of them. The
    "all other comparisons" level takes the remainder, so that each comparison's u still sums to one.
    """
    shares: dict[str, float] = {}
    for _comparison, _label, column, _above in EXACT_LEVELS:
        if column not in shares:
            known = pair_total(con, inputs, column)
            shares[column] = _agreeing(con, inputs, column) / known if known else 0.0
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for _comparison, label, column, above in (e for e in EXACT_LEVELS if e[0] == name):
            level = next((lv for lv in levels if lv.get("label_for_charts") == label), None)
            if level is not None:
                share = shares[column] - (shares[above] if above else 0.0)
                level["u_probability"] = max(share, 1e-9)
        rest = [lv for lv in levels[:-1]]
        used = sum(float(lv["u_probability"]) for lv in rest if isinstance(lv.get("u_probability"), float))
        levels[-1]["u_probability"] = max(1e-6, 1.0 - used)
    return model


def guard(model: dict[str, Any], *, u_pairs: int) -> dict[str, Any]:
    """Explicit values where training saw nothing: u of a level never met among the sampled pairs is taken as
    once in the sample; m is never below M_FLOOR."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if not isinstance(level.get("u_probability"), float):
                level["u_probability"] = 1.0 / u_pairs
            m = level.get("m_probability")
            level["m_probability"] = max(m if isinstance(m, float) else 0.0, M_FLOOR)
    return model


def _em_round(linker: Linker, inputs: Inputs, rule: specification.Rule, pairs: int) -> tuple[Linker, dict[str, Any]]:
    """One round of expectation maximisation, with fewer iterations if a level's m underflows.

    On sources with hardly any true pairs among the blocked ones (a registry deduplicated against itself), EM
    drives the m of a level that matches never reach towards zero until Splink refuses it (below 1e-300). The
    round is then run again from the model before it with fewer iterations; if even three underflow, the round is
    left out and said so in the training summary (its comparisons keep what other rounds estimate, or M_FLOOR).
    """
    for iterations in EM_ITERATIONS:
        if iterations != EM_ITERATIONS[0]:
            model = linker.misc.save_model_to_json()
            linker = Linker(inputs.frames, {**model, "max_iterations": iterations}, log_level=SPLINK_LOG_LEVEL)
        try:
            session = linker.training.estimate_parameters_using_expectation_maximisation(
                rule.splink(), estimate_without_term_frequencies=True,
                max_pairs=EM_MAX_PAIRS if pairs > EM_MAX_PAIRS else None)
        except ValueError as exc:
            if "below the minimum" not in str(exc):
                raise
            continue
        done = {"iterations": len(session._core_model_settings_history) - 1}
        if iterations != EM_ITERATIONS[0]:  # the next round may take the full number again
            done["iterations_allowed"] = iterations
            model = {**linker.misc.save_model_to_json(), "max_iterations": EM_ITERATIONS[0]}
            linker = Linker(inputs.frames, model, log_level=SPLINK_LOG_LEVEL)
        return linker, done
    return linker, {"skipped": True, "reason": "m underflow"}


def train(backend: Backend, inputs: Inputs, *, progress: Any = None) -> tuple[dict[str, Any], float, dict[str, Any]]:
    """Train a model on the prepared records; returns (Splink model JSON, prior, summary of the training)."""
    con = backend.con
    started = time.perf_counter()
    prior, prior_summary = estimate_prior(con, inputs)
    def settings(dialect: str) -> dict[str, Any]:
        creator = specification.settings_for(inputs.link_type, dialect)
        creator.probability_two_random_records_match = prior
        return creator.create_settings_dict(dialect)

    # u is estimated in DuckDB, where the prepared records are, whatever engine then runs EM and scoring.
    local = sampled_u(con, inputs, settings("duckdb"), pairs=conf.u_pairs())
    model = settings(backend.dialect)
    for comparison, sampled in zip(model["comparisons"], local["comparisons"], strict=True):
        for level, estimate in zip(comparison["comparison_levels"], sampled["comparison_levels"], strict=True):
            if "u_probability" in estimate:
                level["u_probability"] = estimate["u_probability"]
    model = exact_u(con, inputs, model)
    if progress:
        progress("training", 30)
    linker = Linker(inputs.frames, model, log_level=SPLINK_LOG_LEVEL)
    rounds: list[dict[str, Any]] = []
    estimated: set[str] = set()
    for rule in specification.TRAINING_RULES:
        if specification.estimable(rule) <= estimated:
            continue  # everything this round could estimate, an earlier round did
        pairs = count_rule(con, inputs.table, rule, link=inputs.link, sources=inputs.sources).pairs
        if pairs < MIN_TRAINING_PAIRS:
            rounds.append({"rule": rule.name, "pairs": pairs, "skipped": True})
            continue
        if progress:
            progress("training", 30 + 10 * len(rounds))
        linker, done = _em_round(linker, inputs, rule, pairs)
        rounds.append({"rule": rule.name, "pairs": pairs, **done})
        if "iterations" in done:
            estimated |= specification.estimable(rule)
    model = guard(linker.misc.save_model_to_json(), u_pairs=conf.u_pairs())
    model["probability_two_random_records_match"] = prior
    summary = {**prior_summary, "em_rounds": rounds, "u_pairs": conf.u_pairs(),
               "seconds": round(time.perf_counter() - started, 1)}
    return model, prior, summary
