"""Writing the link store set-based: candidate pairs through a staging table, clusters from accepted links.

PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT. SQLite: executemany in chunks,
then the same SQL. Callers hold the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import duckdb
from django.db import connection
from django.utils import timezone

from sakme.common.bulk import bulk_insert
from sakme.common.components import Components
from sakme.linkage.models import CandidatePair, Cluster, ClusterMember
from sakme.linkage.scoring import SCORED

STAGE = "linkage_pair_stage"
CHUNK = 10_000
LINK_STATUSES = (CandidatePair.Status.AUTO_ACCEPTED.value, CandidatePair.Status.ACCEPTED.value)
DECIDED = (CandidatePair.Decision.MATCH.value, CandidatePair.Decision.NON_MATCH.value)


def lock() -> None:
    """One writer of the link store at a time, until the caller's transaction ends (PostgreSQL; SQLite has one
    writer anyway). Runs, batches and decisions all rebuild clusters; two at once would write one record twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7270002)")


def _scored_rows(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[Any, ...]]:
    result = con.execute(f"SELECT record_a, record_b, probability, match_weight, comparisons, status, value "
                         f"FROM {SCORED}")
    while True:
        rows = result.fetchmany(CHUNK)
        if not rows:
            return
        yield from rows


def pairs_write(con: duckdb.DuckDBPyConnection, *, model_id: int, run_id: int, scope_model_ids: Sequence[int],
                record_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Make the undecided pairs of the scope (or of `record_ids`, within the scope) the scored ones; keep decisions.

    The scope is its models (`scope_model_ids`, the versions of one model): pairs another model scored (a
    deduplication of one source beside a linkage of two) are never this pass's to remove.

    Only what changed is written: a pair scored as before keeps its row (and the run that last changed it).
    A pair a steward decided keeps its decision and status, and takes the new model's probability and
    evidence. Pairs whose records were deleted since they were read are left out.
    """
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (record_a bigint, record_b bigint, probability double "
                       f"precision, match_weight double precision, comparisons text, status text, value double "
                       f"precision, PRIMARY KEY (record_a, record_b))")
        bulk_insert(cursor, STAGE, ("record_a", "record_b", "probability", "match_weight", "comparisons", "status",
                                    "value"), _scored_rows(con))
        ids = ", ".join(str(int(i)) for i in scope_model_ids) or "0"
        gone = (f"model_id IN ({ids}) AND decision = '' AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.record_a = "
                f"linkage_candidatepair.record_a_id AND s.record_b = linkage_candidatepair.record_b_id)")
        if record_ids is None:
            cursor.execute(f"DELETE FROM linkage_candidatepair WHERE {gone}")
        else:
            for start in range(0, len(record_ids), 5000):
                part = ", ".join(str(int(i)) for i in record_ids[start:start + 5000])
                cursor.execute(f"DELETE FROM linkage_candidatepair WHERE (record_a_id IN ({part}) "
                               f"OR record_b_id IN ({part})) AND {gone}")
        comparisons = "CAST(s.comparisons AS jsonb)" if pg else "s.comparisons"
        keep = "', '".join(DECIDED)
        status = (f"CASE WHEN linkage_candidatepair.decision IN ('{keep}') THEN linkage_candidatepair.status "
                  f"ELSE excluded.status END")
        cursor.execute(
            f"INSERT INTO linkage_candidatepair (record_a_id, record_b_id, model_id, run_id, probability, "
            f"match_weight, comparisons, status, decision, value) "
            f"SELECT s.record_a, s.record_b, %s, %s, s.probability, s.match_weight, {comparisons}, s.status, '', "
            f"s.value FROM {STAGE} s "
            f"WHERE EXISTS (SELECT 1 FROM registry_sourcerecord a WHERE a.id = s.record_a) "
            f"AND EXISTS (SELECT 1 FROM registry_sourcerecord b WHERE b.id = s.record_b) "
            f"ON CONFLICT (record_a_id, record_b_id) DO UPDATE SET probability = excluded.probability, "
            f"match_weight = excluded.match_weight, comparisons = excluded.comparisons, model_id = excluded.model_id, "
            f"run_id = excluded.run_id, value = excluded.value, status = {status} "
            f"WHERE linkage_candidatepair.model_id <> excluded.model_id "
            f"OR linkage_candidatepair.probability <> excluded.probability "
            f"OR linkage_candidatepair.value <> excluded.value OR linkage_candidatepair.status <> {status}",
            [model_id, run_id])
        cursor.execute(f"SELECT status, count(*) FROM {STAGE} GROUP BY status")
        counts = {str(status): int(n) for status, n in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {STAGE}")
    return counts


# -- clusters ----------------------------------------------------------------------------------------------

class _Components(Components):
    """Union-find over record ids, remembering each record's strongest accepted link."""

    def __init__(self) -> None:
        super().__init__()
        self.best: dict[int, float] = {}

    def link(self, a: int, b: int, probability: float) -> None:
        self.union(a, b)
        for r in (a, b):
            self.best[r] = max(self.best.get(r, 0.0), probability)


def _write_clusters(cursor: Any, components: _Components) -> int:
    now = timezone.now()
    groups = components.groups()
    # A cluster is named by its smallest record id: stable across rebuilds, never two clusters with one id.
    clusters = [(min(members), len(members), now) for members in groups.values() if len(members) > 1]
    bulk_insert(cursor, Cluster._meta.db_table, ("id", "size", "created_at"), clusters)
    members = ((min(group), record, components.best.get(record, 0.0))
               for group in groups.values() if len(group) > 1 for record in group)
    bulk_insert(cursor, ClusterMember._meta.db_table, ("cluster_id", "record_id", "probability"), members)
    return len(clusters)


def clusters_rebuild_all() -> int:
    """All clusters again from all accepted links (after a full run), writing only what changed.

    Clusters are named by their smallest record id, so a cluster that gained or lost nobody keeps its row and
    its members' rows; a rerun that finds the same links writes nothing.
    """
    components = _Components()
    links = (CandidatePair.objects.filter(status__in=LINK_STATUSES)
             .values_list("record_a_id", "record_b_id", "probability"))
    for a, b, p in links.iterator(chunk_size=CHUNK):
        components.link(a, b, p)
    wanted: dict[int, tuple[int, float]] = {}
    sizes: dict[int, int] = {}
    for group in components.groups().values():
        cluster = min(group)
        sizes[cluster] = len(group)
        for record in group:
            wanted[record] = (cluster, components.best.get(record, 0.0))
    held = {record: (cluster, p) for record, cluster, p in
            ClusterMember.objects.values_list("record_id", "cluster_id", "probability").iterator(chunk_size=CHUNK)}
    held_sizes = dict(Cluster.objects.values_list("pk", "size"))
    stale_members = [r for r, value in held.items() if wanted.get(r) != value]
    for start in range(0, len(stale_members), 5000):
        ClusterMember.objects.filter(record_id__in=stale_members[start:start + 5000])._raw_delete(
            ClusterMember.objects.db)
    stale_clusters = [c for c in held_sizes if c not in sizes]
    for start in range(0, len(stale_clusters), 5000):
        Cluster.objects.filter(pk__in=stale_clusters[start:start + 5000])._raw_delete(Cluster.objects.db)
    now = timezone.now()
    with connection.cursor() as cursor:
        bulk_insert(cursor, Cluster._meta.db_table, ("id", "size", "created_at"),
                    ((c, n, now) for c, n in sizes.items() if c not in held_sizes))
        resized = [(n, c) for c, n in sizes.items() if c in held_sizes and held_sizes[c] != n]
        if resized:
            cursor.executemany(f"UPDATE {Cluster._meta.db_table} SET size = %s WHERE id = %s", resized)
        bulk_insert(cursor, ClusterMember._meta.db_table, ("cluster_id", "record_id", "probability"),
                    ((c, r, p) for r, (c, p) in wanted.items() if held.get(r) != (c, p)))
    return len(sizes)


def clusters_rebuild_around(record_ids: Iterable[int]) -> int:
    """The clusters of these records again: everything reachable from them by accepted links, and
    everyone who shared a cluster with them before (a rejected link may have split it)."""
    nodes: set[int] = set(record_ids)
    frontier = set(nodes)
    while frontier:
        old = set(ClusterMember.objects.filter(cluster__members__record_id__in=frontier).values_list("record_id",
                                                                                                   flat=True))
        linked = CandidatePair.objects.filter(status__in=LINK_STATUSES).filter(
            record_a_id__in=frontier) | CandidatePair.objects.filter(status__in=LINK_STATUSES,
                                                                       record_b_id__in=frontier)
        reached = old | {r for pair in linked.values_list("record_a_id", "record_b_id") for r in pair}
        frontier = reached - nodes
        nodes |= reached
    components = _Components()
    for record in nodes:
        components.find(record)
    links = CandidatePair.objects.filter(status__in=LINK_STATUSES, record_a_id__in=nodes).values_list(
        "record_a_id", "record_b_id", "probability")
    for a, b, p in links:
        components.link(a, b, p)
    old_clusters = set(ClusterMember.objects.filter(record_id__in=nodes).values_list("cluster_id", flat=True))
    ClusterMember.objects.filter(record_id__in=nodes).delete()
    Cluster.objects.filter(pk__in=old_clusters).delete()
    with connection.cursor() as cursor:
        return _write_clusters(cursor, components)
