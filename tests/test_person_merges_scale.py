"""A linkage run's merges are set-based: a thousand links of two persons each (with their source records, and a
household membership on one side) merge in a few statements per table, not a thousand transactions."""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sakme.accounts.actors import SYSTEM
from sakme.geo.models import TerritorialUnit
from sakme.registry.merges import person_unmerge, persons_merge_linked
from sakme.registry.models import (
    Household,
    ImportBatch,
    Membership,
    Person,
    PersonMerge,
    SourceRecord,
    SourceSystem,
)

LINKS = 1000


def _population(n: int) -> list[tuple[int, int, int]]:
    unit = TerritorialUnit.objects.get(code="TB-1")
    ssa, worknet = SourceSystem.objects.get(code="ssa"), SourceSystem.objects.get(code="worknet")
    persons = Person.objects.bulk_create(
        [Person(given_name_lat=f"G{i}", family_name_lat="Beridze", given_key=f"g{i}", family_key="berize",
                unit=unit, primary_source=source, phone="" if source == ssa else f"5{i:08d}")
         for i in range(n) for source in (ssa, worknet)])
    if persons[0].pk is None:
        persons = list(Person.objects.order_by("pk"))
    batch = {s: ImportBatch.objects.create(source=s, file_name="x.csv", file_sha256="0" * 64) for s in (ssa, worknet)}
    SourceRecord.objects.bulk_create([SourceRecord(source=p.primary_source, key=f"K{p.pk}", person=p,
                                                   batch=batch[p.primary_source], row=2) for p in persons])
    households = Household.objects.bulk_create([Household(source=ssa, key=f"H{i}", unit=unit) for i in range(n)])
    if households[0].pk is None:
        households = list(Household.objects.order_by("pk"))
    Membership.objects.bulk_create([Membership(household=h, person=persons[2 * i], relation="head")
                                    for i, h in enumerate(households)])
    return [(persons[2 * i].pk, persons[2 * i + 1].pk, i + 1) for i in range(n)]


def test_a_thousand_links_merge_in_a_few_queries(territory, capsys):
    links = _population(LINKS)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        done = persons_merge_linked(actor=SYSTEM, pairs=links, run_id=1)
        seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n{LINKS} links merged in {seconds:.2f} s, {len(queries)} queries ({connection.vendor})")
    assert (done.merged, done.refused) == (LINKS, 0)
    assert len(queries) < 100  # a few per table and chunk of 500, whatever the number of links
    assert seconds < 20
    assert SourceRecord.objects.filter(person__merged_into__isnull=False).count() == 0
    assert Person.objects.filter(merged_into__isnull=True).count() == LINKS
    assert Person.objects.filter(merged_into__isnull=True, phone="").count() == 0  # filled from Worknet
    one = PersonMerge.objects.order_by("pk").first()
    person_unmerge(actor=SYSTEM, merge_id=one.pk)
    assert SourceRecord.objects.get(key=f"K{one.merged_id}").person_id == one.merged_id
