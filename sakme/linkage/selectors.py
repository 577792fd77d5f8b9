"""Reads of linkage: the review queue, a pair with its evidence, runs, and the records linked to a person.

Pairs and runs are read through the getters here (`*_for_user`), which check the capability, keep pairs to the
user's units and log the persons whose records are shown. Data stewards see all units (their role is nationwide);
the person page's linked records pass through the registry's scoping getter, so that nobody sees a person outside
their units through a link.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import NotFound
from sakme.geo.access import require, unit_scope_for_user
from sakme.linkage import conf
from sakme.linkage.evaluation import evaluate_against_labels
from sakme.linkage.models import CandidatePair, ClusterMember, LinkageModel, LinkRun
from sakme.linkage.preparation import latin_address, latin_name
from sakme.linkage.specification import COMPARISON_LABELS
from sakme.registry.access import persons_for_user
from sakme.registry.models import Person, SourceRecord

QUEUE_SIZE = 50
# The queue's order: undecided before unsure, the most valuable decision first (the index candidatepair_queue).
QUEUE_ORDER = ("decision", "-value", "pk")
_PAIR_RELATED = ("record_a__source", "record_b__source", "record_a__municipality", "record_b__municipality",
                 "record_a__person", "record_b__person", "model", "decided_by")


def pairs_for_user(user: Actor) -> QuerySet[CandidatePair]:
    """Candidate pairs whose two records are of persons in the user's units (PermissionDenied for roles that do not
    review links)."""
    require(user, Capability.LINKAGE_REVIEW)
    scope = unit_scope_for_user(user)
    return CandidatePair.objects.filter(scope.filter("record_a__person__unit_id"),
                                        scope.filter("record_b__person__unit_id"))


@dataclass
class QueuePage:
    """One page of the review queue; `after` is the cursor of the next page (None on the last)."""

    pairs: list[CandidatePair]
    after: str | None


def _queue_cursor(after: str) -> tuple[str, float, int] | None:
    """`decision:value:id` of the last pair of the page before, or None (the first page) for anything else."""
    parts = after.split(":")
    if len(parts) != 3:
        return None
    decision, value, pk = parts
    try:
        number = float(value)
    except ValueError:
        return None
    if decision not in CandidatePair.Decision.values or not math.isfinite(number) \
            or not (pk.isascii() and pk.isdigit() and len(pk) < 19):
        return None
    return decision, number, int(pk)


def review_queue_for_user(user: Actor, *, after: str = "", size: int = QUEUE_SIZE,
                          kind: AccessKind = AccessKind.SEARCH, context: str = "") -> QueuePage:
    """Pairs waiting for review in the user's units, the most valuable decision first and pairs marked unsure last,
    one keyset page at a time (`after` comes from the page before); the persons of the records shown are logged."""
    pairs = pairs_for_user(user).filter(status=CandidatePair.Status.REVIEW)
    cursor = _queue_cursor(after)
    if cursor is not None:
        decision, value, pk = cursor
        pairs = pairs.filter(Q(decision__gt=decision) | Q(decision=decision, value__lt=value)
                             | Q(decision=decision, value=value, pk__gt=pk))
    rows = list(pairs.select_related("record_a__source", "record_b__source").order_by(*QUEUE_ORDER)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows and more else None
    audit.record_access(actor=user, kind=kind, context=context,
                        person_ids=sorted({r.person_id for p in rows for r in (p.record_a, p.record_b)}))
    return QueuePage(rows, f"{last.decision}:{last.value!r}:{last.pk}" if last else None)


def next_pair_id_for_user(user: Actor, *, after: int | None = None) -> int | None:
    """The id of the first pair of the user's queue (other than `after`), None when the queue is empty."""
    pairs = pairs_for_user(user).filter(status=CandidatePair.Status.REVIEW)
    if after is not None:
        pairs = pairs.exclude(pk=after)
    return pairs.order_by(*QUEUE_ORDER).values_list("pk", flat=True).first()


def pair_get_for_user(user: Actor, pair_id: int, *, kind: AccessKind = AccessKind.VIEW,
                      context: str = "") -> CandidatePair:
    """One pair of the user's units with both records, their model and who decided it (NotFound otherwise); the
    persons of both records are logged."""
    pair = pairs_for_user(user).select_related(*_PAIR_RELATED).filter(pk=pair_id).first()
    if pair is None:
        raise NotFound(_("No such pair."))
    audit.record_access(actor=user, kind=kind, context=context,
                        person_ids=sorted({pair.record_a.person_id, pair.record_b.person_id}))
    return pair


def pair_counts() -> dict[str, int]:
    """How many pairs are in each status."""
    counts = dict(CandidatePair.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: int(counts.get(status, 0)) for status in CandidatePair.Status.values}


def labels_figures() -> dict[str, Any]:
    """The active models' precision and recall against the stewards' decisions so far."""
    return evaluate_against_labels(upper=conf.upper_threshold())


@dataclass
class EvidenceRow:
    """One comparison of a pair: both records' values, the level the model put them in, and its weight."""

    name: str
    label: str
    value_a: str
    value_b: str
    hint_a: str
    hint_b: str
    level: str
    weight: float | None
    agrees: bool | None


def _levels(model: LinkageModel, name: str) -> dict[int, str]:
    """gamma -> level label of one comparison (Splink numbers the non-null levels from n-1 down to 0)."""
    comparison = next((c for c in model.splink_model.get("comparisons", []) if c["output_column_name"] == name), None)
    if comparison is None:
        return {}
    levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    return {len(levels) - 1 - i: str(lv.get("label_for_charts", "")) for i, lv in enumerate(levels)}


def _shown(record: SourceRecord, name: str) -> tuple[str, str]:
    """A record's value for a comparison, and its romanized form when that is what was compared."""
    if name == "given_name" or name == "family_name":
        value = getattr(record, name)
        latin = latin_name(value) if value else ""
        return value, latin if latin and latin != value.lower() else ""
    if name == "address":
        latin = latin_address(record.address) if record.address else ""
        return record.address, latin if latin and latin != record.address.lower() else ""
    if name == "personal_number":  # masked: the comparison's level says how the whole numbers compare
        return record.personal_number_masked, ""
    if name == "birth_date":
        return (record.birth_date.strftime("%d.%m.%Y") if record.birth_date else ""), ""
    if name == "municipality_id":
        return (str(record.municipality) if record.municipality_id else ""), ""
    if name == "sex":
        return {"F": _("female"), "M": _("male")}.get(record.sex, record.sex), ""
    return str(getattr(record, name, "") or ""), ""


def pair_evidence(pair: CandidatePair) -> list[EvidenceRow]:
    """The waterfall of a pair: every comparison with its level and match weight, in the model's order."""
    rows = []
    for name, label in COMPARISON_LABELS.items():
        gamma, weight = (pair.comparisons.get(name) or [None, None])[:2]
        missing = gamma is None or gamma < 0
        known = "" if missing else _levels(pair.model, name).get(int(gamma), "")
        # gettext("") would be the catalogue's header: a level the model does not name stays blank.
        level = _("one or both missing") if missing else (_(known) if known else "")
        value_a, hint_a = _shown(pair.record_a, name)
        value_b, hint_b = _shown(pair.record_b, name)
        rows.append(EvidenceRow(
            name=name, label=_(label), value_a=value_a, value_b=value_b, hint_a=hint_a, hint_b=hint_b, level=level,
            weight=weight, agrees=None if weight is None or missing else weight > 0,
        ))
    return rows


def prior_weight(pair: CandidatePair) -> float:
    """The starting point of the waterfall: the match weight of the prior alone."""
    total = sum(float((v or [0, 0])[1] or 0) for v in pair.comparisons.values())
    return round(pair.match_weight - total, 3)


def runs_for_user(user: Actor) -> QuerySet[LinkRun]:
    """Linkage runs with their model, batch and who started them, for those who run linkage (PermissionDenied
    otherwise)."""
    require(user, Capability.LINKAGE_RUN)
    return LinkRun.objects.select_related("model", "started_by", "batch")


def run_get_for_user(user: Actor, run_id: int) -> LinkRun:
    """One linkage run (NotFound otherwise)."""
    run = runs_for_user(user).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No linkage run %(r)s.") % {"r": run_id})
    return run


def models() -> QuerySet[LinkageModel]:
    return LinkageModel.objects.select_related("trained_by").order_by("scope", "-version")


@dataclass
class LinkedRecord:
    record: SourceRecord
    probability: float
    in_scope: bool


def person_links(*, user: Actor, person: Person, kind: AccessKind = AccessKind.VIEW) -> dict[str, Any]:
    """The source records linked to a person's own records (same cluster), in three queries.

    Records of persons outside the user's units are counted, not shown; the persons whose records are
    shown are logged as seen.
    """
    clusters = ClusterMember.objects.filter(record__person=person).values("cluster_id")
    members = list(ClusterMember.objects.filter(cluster_id__in=clusters).exclude(record__person=person)
                   .select_related("record__source", "record__batch", "record__municipality")
                   .order_by("-probability", "record__source__code", "record__key"))
    visible = set(persons_for_user(user).filter(pk__in={m.record.person_id for m in members})
                  .values_list("pk", flat=True))
    shown = [LinkedRecord(m.record, m.probability, True) for m in members if m.record.person_id in visible]
    if shown:
        audit.record_access(actor=user, person_ids=sorted({r.record.person_id for r in shown}), kind=kind,
                            context=f"linked records of person {person.pk}")
    return {"linked": shown, "linked_hidden": len(members) - len(shown)}


# -- a run's page ---------------------------------------------------------------------------------------------

# What a run counted, by the key it is stored under (msgids; a key of one source or scope takes its name).
COUNT_LABELS: dict[str, str] = {
    "records": gettext_noop("records read"),
    "prepared": gettext_noop("records prepared"),
    "blocked_pairs_at_most": gettext_noop("candidate pairs, at most"),
    "scored_pairs": gettext_noop("pairs scored above the review threshold"),
    "auto_accepted": gettext_noop("linked automatically"),
    "review": gettext_noop("waiting for review"),
    "clusters": gettext_noop("persons found in more than one record"),
    "clusters_rebuilt": gettext_noop("clusters rebuilt"),
    "persons_merged": gettext_noop("persons merged into another"),
    "merges_refused": gettext_noop("merges refused (both persons hold a row of one kind)"),
    "merges_left_unmerged": gettext_noop("links whose persons a steward had set apart again"),
}
COUNT_PREFIXES: dict[str, str] = {
    "records_": gettext_noop("records of %(name)s"),
    "new_records_": gettext_noop("new records linked against %(name)s"),
}
# The probability bins of the calibration table (from the model's review threshold up): a steward's decisions per
# bin say how often such pairs matched.
CALIBRATION_EDGES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


@dataclass
class CalibrationBin:
    low: float
    high: float
    decided: int
    matched: int

    @property
    def share(self) -> float | None:
        return self.matched / self.decided if self.decided else None


@dataclass
class RunReport:
    facts: list[tuple[str, str]]
    blocking: list[dict[str, Any]]
    training: dict[str, Any]
    calibration: list[CalibrationBin]


def _count_label(key: str) -> str | None:
    if key in COUNT_LABELS:
        return _(COUNT_LABELS[key])
    for prefix, label in COUNT_PREFIXES.items():
        if key.startswith(prefix):
            return _(label) % {"name": key.removeprefix(prefix)}
    return None


def calibration(model: LinkageModel) -> list[CalibrationBin]:
    """How often the stewards found the model's pairs to match, per probability bin (one query)."""
    decided = Q(decision__in=[CandidatePair.Decision.MATCH, CandidatePair.Decision.NON_MATCH])
    matched = Q(decision=CandidatePair.Decision.MATCH)
    edges = [model.lower_threshold, *(e for e in CALIBRATION_EDGES if e > model.lower_threshold)]
    bins = list(itertools.pairwise(edges))
    aggregates: dict[str, Any] = {}
    for index, (low, high) in enumerate(bins):
        within = Q(probability__gte=low) & (Q(probability__lte=high) if high >= 1 else Q(probability__lt=high))
        aggregates[f"d{index}"] = Count("pk", filter=decided & within)
        aggregates[f"m{index}"] = Count("pk", filter=decided & matched & within)
    row = CandidatePair.objects.filter(model=model).aggregate(**aggregates)
    return [CalibrationBin(low, high, row[f"d{i}"], row[f"m{i}"]) for i, (low, high) in enumerate(bins)]


def run_report(run: LinkRun) -> RunReport:
    """A run's counts in words, its blocking check per rule, its model's training and calibration."""
    facts = []
    for key, value in (run.counts or {}).items():
        label = _count_label(key)
        if label is None:
            continue
        facts.append((label, f"{value:,}" if isinstance(value, int) else str(value)))
    models_linked = (run.counts or {}).get("models")
    if models_linked:
        facts.append((_("models"), ", ".join(str(m) for m in models_linked)))
    blocking = [{"rule": name, **figures} for name, figures in ((run.counts or {}).get("blocking") or {}).items()]
    model = run.model
    training = dict(model.training) if model else {}
    return RunReport(facts=facts, blocking=blocking, training=training,
                     calibration=calibration(model) if model else [])
