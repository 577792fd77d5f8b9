"""The check before a run: how many pairs each blocking rule makes, and where its largest block is.

Counts are exact and cheap: records are grouped by each rule's keys on each side and the group sizes
multiplied, without making a single pair. The sum over rules is an upper bound of what scoring will hold
(a pair found by two rules is counted twice), so a refusal is never too late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
from django.utils.translation import gettext as _

from sakme.common.errors import DomainError
from sakme.linkage.specification import Rule, qualify


@dataclass
class RuleCount:
    rule: Rule
    pairs: int = 0
    largest_block: int = 0
    largest_key: str = ""


@dataclass
class BlockingReport:
    rules: list[RuleCount] = field(default_factory=list)

    @property
    def pairs(self) -> int:
        return sum(r.pairs for r in self.rules)

    @property
    def widest(self) -> RuleCount | None:
        return max(self.rules, key=lambda r: r.pairs, default=None)

    def as_dict(self) -> dict[str, object]:
        return {r.rule.name: {"pairs": r.pairs, "largest_block": r.largest_block, "largest_key": r.largest_key}
                for r in self.rules}


class TooManyPairs(DomainError):
    """The blocking rules would make more pairs than the machine can score; the message names the rule."""

    def __init__(self, message: str, report: BlockingReport) -> None:
        super().__init__(message)
        self.report = report


def _keys(exprs: Sequence[str]) -> tuple[str, str]:
    selected = ", ".join(f"{e} AS k{i}" for i, e in enumerate(exprs))
    not_null = " AND ".join(f"({e}) IS NOT NULL" for e in exprs)
    return selected, not_null


def count_rule(con: duckdb.DuckDBPyConnection, table: str, rule: Rule, *, link: bool,
               sources: Sequence[str]) -> RuleCount:
    """Pairs the rule makes between the sources (link) or within the one source (dedupe)."""
    n = len(rule.left)
    join = " AND ".join(f"a.k{i} = b.k{i}" for i in range(n))
    key_text = " || ' / ' || ".join(f"CAST(a.k{i} AS VARCHAR)" for i in range(n))
    result = RuleCount(rule)
    sides = [(x, y) for i, x in enumerate(sources) for y in sources[i + 1:]] if link else [(sources[0],) * 2]
    for left_source, right_source in sides:
        left_sel, left_nn = _keys(rule.left)
        right_sel, right_nn = _keys(rule.right_keys)
        # Within one source a block of n records makes n(n-1)/2 pairs (n*m/2 for a rule across two columns).
        block = "a.n * b.n" if link else "a.n * (a.n - 1) / 2" if not rule.right else "a.n * b.n / 2"
        row = con.execute(f"""
            WITH a AS (SELECT {left_sel}, count(*) AS n FROM {table}
                       WHERE source_dataset = ? AND {left_nn} GROUP BY ALL),
                 b AS (SELECT {right_sel}, count(*) AS n FROM {table}
                       WHERE source_dataset = ? AND {right_nn} GROUP BY ALL),
                 blocks AS (SELECT {block} AS pairs, {key_text} AS key FROM a JOIN b ON {join})
            SELECT coalesce(sum(pairs), 0)::BIGINT, coalesce(max(pairs), 0)::BIGINT, arg_max(key, pairs) FROM blocks
        """, [left_source, right_source]).fetchall()[0]
        result.pairs += int(row[0])
        if int(row[1]) > result.largest_block:
            result.largest_block, result.largest_key = int(row[1]), str(row[2] or "")
    return result


def check_blocking(con: duckdb.DuckDBPyConnection, table: str, rules: Sequence[Rule], *, link: bool,
                   sources: Sequence[str], limit: int) -> BlockingReport:
    """Count every rule's pairs; raise TooManyPairs, naming the rule to tighten, when they exceed `limit`."""
    report = BlockingReport([count_rule(con, table, rule, link=link, sources=sources) for rule in rules])
    widest = report.widest
    if widest is not None and report.pairs > limit:
        raise TooManyPairs(
            _("The blocking rules would make about %(pairs)s candidate pairs, more than the %(limit)s this machine "
              "can score (setting SAKME_LINKAGE_MAX_PAIRS). The rule “%(rule)s” makes %(rule_pairs)s of them; its "
              "largest block is “%(key)s” with %(block)s pairs. Tighten that rule: %(hint)s.")
            % {"pairs": f"{report.pairs:,}", "limit": f"{limit:,}", "rule": widest.rule.name,
               "rule_pairs": f"{widest.pairs:,}", "key": widest.largest_key, "block": f"{widest.largest_block:,}",
               "hint": _(widest.rule.hint) if widest.rule.hint else _("add a column to it")},
            report,
        )
    return report


def true_pairs_found(con: duckdb.DuckDBPyConnection, table: str, rules: Sequence[Rule], truth: str) -> dict[str, int]:
    """How many of the labelled pairs in `truth` (columns a, b: unique ids of `table`) each rule alone puts in one
    block, and how many no rule does ("none"): the evidence for choosing the rules (bench/linkage.py)."""
    conditions = []
    for rule in rules:
        forward = " AND ".join(f"({lk}) = ({rk})" for lk, rk in zip(
            _qualified(rule.left, "l"), _qualified(rule.right_keys, "r"), strict=True))
        backward = " AND ".join(f"({lk}) = ({rk})" for lk, rk in zip(
            _qualified(rule.left, "r"), _qualified(rule.right_keys, "l"), strict=True))
        conditions.append(f"coalesce(({forward}) OR ({backward}), false)")
    selected = ", ".join(f"count(*) FILTER (WHERE {c})" for c in conditions)
    row = con.execute(f"""
        SELECT {selected}, count(*) FILTER (WHERE NOT ({' OR '.join(conditions)})), count(*)
        FROM {truth} t JOIN {table} l ON l.unique_id = t.a JOIN {table} r ON r.unique_id = t.b""").fetchall()[0]
    found = {rule.name: int(n) for rule, n in zip(rules, row, strict=False)}
    return {**found, "none": int(row[len(rules)]), "pairs": int(row[len(rules) + 1])}


def _qualified(expressions: Sequence[str], side: str) -> list[str]:
    return [qualify(e, side) for e in expressions]
