"""Reads of linkage: the review queue, a pair with its evidence, runs, and the records linked to a person.

Data stewards see all units (their role is nationwide); the person page's linked records pass through the
registry's scoping getter, so that nobody sees a person outside their units through a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.linkage import conf
from sakme.linkage.evaluation import evaluate_against_labels
from sakme.linkage.models import CandidatePair, ClusterMember, LinkageModel, LinkRun
from sakme.linkage.preparation import latin_address, latin_name
from sakme.linkage.specification import COMPARISON_LABELS
from sakme.registry.access import persons_for_user
from sakme.registry.models import Person, SourceRecord

QUEUE_SIZE = 50
_PAIR_RELATED = ("record_a__source", "record_b__source", "record_a__municipality", "record_b__municipality",
                 "record_a__person", "record_b__person", "model", "decided_by")


def review_queue(*, limit: int = QUEUE_SIZE) -> QuerySet[CandidatePair]:
    """Pairs waiting for review, the most valuable decision first; pairs marked unsure come last."""
    return (CandidatePair.objects.filter(status=CandidatePair.Status.REVIEW)
            .select_related("record_a__source", "record_b__source")
            .order_by("decision", "-value", "pk")[:limit])


def next_pair(*, after: CandidatePair | None = None) -> CandidatePair | None:
    """The first pair of the queue (other than `after`)."""
    pairs = CandidatePair.objects.filter(status=CandidatePair.Status.REVIEW).order_by("decision", "-value", "pk")
    if after is not None:
        pairs = pairs.exclude(pk=after.pk)
    return pairs.select_related(*_PAIR_RELATED).first()


def pair_get(*, pair_id: int) -> CandidatePair:
    return CandidatePair.objects.select_related(*_PAIR_RELATED).get(pk=pair_id)


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
        level = _("one or both missing") if gamma is None or gamma < 0 else _(_levels(pair.model, name).get(
            int(gamma), ""))
        value_a, hint_a = _shown(pair.record_a, name)
        value_b, hint_b = _shown(pair.record_b, name)
        rows.append(EvidenceRow(
            label=_(label), value_a=value_a, value_b=value_b, hint_a=hint_a, hint_b=hint_b, level=level,
            weight=weight, agrees=None if weight is None or gamma is None or gamma < 0 else weight > 0,
        ))
    return rows


def prior_weight(pair: CandidatePair) -> float:
    """The starting point of the waterfall: the match weight of the prior alone."""
    total = sum(float((v or [0, 0])[1] or 0) for v in pair.comparisons.values())
    return round(pair.match_weight - total, 3)


def runs(*, limit: int = 30) -> QuerySet[LinkRun]:
    return LinkRun.objects.select_related("model", "started_by", "batch").order_by("-created_at")[:limit]


def run_get(*, run_id: int) -> LinkRun:
    return LinkRun.objects.select_related("model", "started_by", "batch").get(pk=run_id)


def models() -> QuerySet[LinkageModel]:
    return LinkageModel.objects.select_related("trained_by").order_by("scope", "-version")


@dataclass
class LinkedRecord:
    record: SourceRecord
    probability: float
    in_scope: bool


def person_links(*, user: Any, person: Person, kind: AccessKind = AccessKind.VIEW) -> dict[str, Any]:
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
