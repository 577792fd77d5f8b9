"""Precision, recall and F1: of the link store against a truth file, and of the model against the stewards'
decisions (the labels). A figure that cannot be computed (nothing predicted, nothing true) is None and is
shown as such, never as 0 or 1.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db.models import Q
from django.utils.translation import gettext as _

from sakme.common.errors import DomainError
from sakme.linkage.models import CandidatePair, ClusterMember
from sakme.registry.models import SourceRecord, SourceSystem

KeyPair = tuple[str, str]  # (key in the first source, key in the second source)
CHUNK = 2000


@dataclass
class Figures:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int | None]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def figures(predicted: set[KeyPair], truth: set[KeyPair]) -> Figures:
    hits = len(predicted & truth)
    return Figures(hits, len(predicted) - hits, len(truth) - hits)


@dataclass
class Truth:
    sources: tuple[str, str]
    pairs: set[KeyPair]


def truth_read(path: Path) -> Truth:
    """A CSV of pairs of keys whose header names the sources: `ssa_key,worknet_key` (the generator's truth.csv)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or len(header) < 2:
            raise DomainError(_("%(f)s: the first line must name the two sources, e.g. ssa_key,worknet_key.")
                              % {"f": path.name})
        sources = tuple(h.strip().removesuffix("_key") for h in header[:2])
        known = set(SourceSystem.objects.values_list("code", flat=True))
        unknown = [s for s in sources if s not in known]
        if unknown:
            raise DomainError(_("%(f)s names unknown source(s) %(u)s; known: %(k)s.")
                              % {"f": path.name, "u": ", ".join(unknown), "k": ", ".join(sorted(known))})
        pairs = {(row[0].strip(), row[1].strip()) for row in reader if len(row) >= 2 and row[0].strip()}
    return Truth((sources[0], sources[1]), pairs)


def _existing_keys(source: str, keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(SourceRecord.objects.filter(source__code=source, key__in=wanted[start:start + CHUNK])
                     .values_list("key", flat=True))
    return found


def _store_pairs(sources: tuple[str, str]) -> set[KeyPair]:
    """Pairs of records of the two sources that share a cluster."""
    a, b = sources
    by_cluster: dict[int, tuple[list[str], list[str]]] = {}
    members = (ClusterMember.objects.filter(record__source__code__in=sources)
               .values_list("cluster_id", "record__source__code", "record__key"))
    for cluster, source, key in members.iterator(chunk_size=10_000):
        sides = by_cluster.setdefault(cluster, ([], []))
        if source == a:
            sides[0].append(key)
        if source == b:
            sides[1].append(key)
    return {(x, y) for left, right in by_cluster.values() for x in left for y in right}


def _model_pairs(sources: tuple[str, str], upper: float) -> set[KeyPair]:
    """Pairs the model alone links (probability at or above the auto-accept threshold), whatever was decided."""
    a, b = sources
    found: set[KeyPair] = set()
    rows = (CandidatePair.objects.filter(probability__gte=upper)
            .filter(Q(record_a__source__code__in=sources) & Q(record_b__source__code__in=sources))
            .values_list("record_a__source__code", "record_a__key", "record_b__source__code", "record_b__key"))
    for sa, ka, sb, kb in rows.iterator(chunk_size=10_000):
        if (sa, sb) == (a, b):
            found.add((ka, kb))
        elif (sa, sb) == (b, a):
            found.add((kb, ka))
    return found


def evaluate_against_truth(truth: Truth, *, upper: float) -> dict[str, object]:
    """The link store (after review) and the model at its auto-accept threshold, against the truth."""
    a, b = truth.sources
    present_a = _existing_keys(a, (x for x, _y in truth.pairs))
    present_b = _existing_keys(b, (y for _x, y in truth.pairs))
    comparable = {(x, y) for x, y in truth.pairs if x in present_a and y in present_b}
    return {
        "sources": list(truth.sources),
        "truth_pairs": len(truth.pairs),
        "truth_pairs_not_in_database": len(truth.pairs) - len(comparable),
        "links": figures(_store_pairs(truth.sources), comparable).as_dict(),
        "model": figures(_model_pairs(truth.sources, upper), comparable).as_dict(),
    }


def evaluate_against_labels(*, upper: float) -> dict[str, object]:
    """The model at its auto-accept threshold against the stewards' decisions (same / different person)."""
    decided = CandidatePair.objects.filter(decision__in=[CandidatePair.Decision.MATCH,
                                                         CandidatePair.Decision.NON_MATCH])
    tp = fp = fn = tn = 0
    for probability, decision in decided.values_list("probability", "decision").iterator(chunk_size=10_000):
        predicted, actual = probability >= upper, decision == CandidatePair.Decision.MATCH
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
        tn += not (predicted or actual)
    return {"labels": tp + fp + fn + tn, "true_negatives": tn, "model": Figures(tp, fp, fn).as_dict()}
