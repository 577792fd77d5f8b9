"""Merging persons found to be one and undoing it: who survives, what moves, what blocks a merge, what an unmerge
restores, and who sees the person afterwards (run on SQLite and on PostgreSQL, as the whole suite)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Role
from sakme.assistance.models import Application
from sakme.casework.access import case_get_for_user
from sakme.casework.models import Case
from sakme.common.errors import DomainError, PermissionDenied
from sakme.employment.models import JobSeeker
from sakme.registry import merges, selectors
from sakme.registry.access import PersonMerged, person_get_for_user
from sakme.registry.models import (
    EmergencyAccess,
    Enrolment,
    Household,
    ImportBatch,
    Membership,
    Person,
    PersonMerge,
    SourceRecord,
    SourceSystem,
)
from sakme.retention.services import persons_anonymise, persons_to_anonymise
from sakme.tests.factories import UserFactory, open_case, person, post, sign_in

DAY = dt.date(2025, 3, 3)


def _record(p: Person, source: str, key: str) -> SourceRecord:
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code=source), file_name=f"{source}.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.SUCCEEDED)
    return SourceRecord.objects.create(source=batch.source, key=key, person=p, batch=batch, row=2)


def _primary(p: Person, source: str | None) -> Person:
    p.primary_source = SourceSystem.objects.get(code=source) if source else None
    p.save(update_fields=["primary_source"])
    return p


def _household(p: Person, key: str) -> Household:
    home = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=key, unit=p.unit)
    Membership.objects.create(household=home, person=p, relation="head")
    Enrolment.objects.create(household=home, rating_score=31_000, assessment_date=DAY)
    Enrolment.objects.create(household=home, rating_score=28_000, assessment_date=DAY.replace(year=2024))
    return home


@pytest.fixture
def two(staff):
    """One woman twice: Worknet's (older id, unit TB-2, a job seeker with a case, no phone) and the SSA registry's
    (TB-1, a household on assistance with an application, no number, no address)."""
    worknet = _primary(person(unit="TB-2", phone="555123456", address="Tbilisi, Vake 3"), "worknet")
    ssa = person(unit="TB-1", phone="")
    ssa.personal_number_set(None)
    ssa.save()
    _record(worknet, "worknet", "W-1")
    _record(ssa, "ssa", "S-1")
    case = open_case(unit="TB-2", who=worknet)
    home = _household(ssa, "H-1")
    Application.objects.create(unit=ssa.unit, household=home, applicant=ssa, state_since=DAY, declared_on=DAY)
    EmergencyAccess.objects.create(user=staff["counsellor"], person=worknet, reason="walk-in", unit=worknet.unit,
                                   until="2099-01-01T00:00Z")
    return {"worknet": worknet, "ssa": ssa, "case": case, "home": home}


def _state(p: Person) -> dict[str, object]:
    """Everything that points at a person, and their own fields."""
    return {
        "records": sorted(SourceRecord.objects.filter(person=p).values_list("key", flat=True)),
        "job_seeker": JobSeeker.objects.filter(person=p).values_list("pk", flat=True).first(),
        "membership": Membership.objects.filter(person=p).values_list("household_id", flat=True).first(),
        "applications": sorted(Application.objects.filter(applicant=p).values_list("pk", flat=True)),
        "openings": EmergencyAccess.objects.filter(person=p).count(),
        "fields": Person.objects.filter(pk=p.pk).values(
            "phone", "address", "personal_number_digest", "personal_number_tail", "unit_id", "merged_into_id",
            "given_name_ka", "birth_date").get(),
    }


def test_the_ssa_person_survives_and_takes_every_row_and_the_blanks(two, staff):
    worknet, ssa = two["worknet"], two["ssa"]
    assert worknet.pk < ssa.pk  # older, but of the less trusted source
    number = worknet.personal_number_digest
    merge = merges.person_merge(actor=staff["data_steward"], survivor_id=worknet.pk, merged_id=ssa.pk, pair_id=77)
    assert (merge.survivor_id, merge.merged_id, merge.pair_id) == (ssa.pk, worknet.pk, 77)
    state = _state(ssa)
    assert state["records"] == ["S-1", "W-1"]
    assert state["job_seeker"] == two["case"].job_seeker_id and state["membership"] == two["home"].pk
    assert len(state["applications"]) == 1 and state["openings"] == 1
    fields = state["fields"]
    assert fields["phone"] == "555123456" and fields["address"] == "Tbilisi, Vake 3"  # blanks filled
    assert fields["personal_number_digest"] == number and fields["unit_id"] == ssa.unit_id  # its own unit kept
    gone = Person.objects.get(pk=worknet.pk)
    assert gone.merged_into_id == ssa.pk and gone.personal_number_digest is None  # the number moved
    assert set(merge.filled) == {"phone", "address", "personal_number"}
    assert merge.moved["registry.sourcerecord.person"] and merge.moved["employment.jobseeker.person"]
    assert merge.decided_by == staff["data_steward"]


def test_both_units_keep_their_cases_and_the_person(two, staff):
    merges.person_merge(actor=SYSTEM, survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)
    there = post(UserFactory(role=Role.COUNSELLOR), unit="TB-2")
    case = case_get_for_user(there, two["case"].pk)  # the case stays with the unit that owns it
    assert case.job_seeker.person_id == two["ssa"].pk
    assert person_get_for_user(there, two["ssa"].pk).pk == two["ssa"].pk  # its person, now the survivor
    assert person_get_for_user(staff["counsellor"], two["ssa"].pk).pk == two["ssa"].pk  # TB-1's own
    with pytest.raises(PersonMerged) as moved:  # the merged person: not found, and where they went
        person_get_for_user(there, two["worknet"].pk)
    assert moved.value.survivor_id == two["ssa"].pk and moved.value.code == "person_merged"
    found = selectors.person_search(user=staff["data_steward"], query="ბერიძე").persons
    assert two["worknet"] not in found and two["ssa"] in found  # hidden from search


def test_the_unmerge_restores_both_persons_and_every_row(two, staff):
    before = {k: _state(two[k]) for k in ("worknet", "ssa")}
    version = Person.objects.get(pk=two["ssa"].pk).version
    merge = merges.person_merge(actor=staff["data_steward"], survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)
    undone = merges.person_unmerge(actor=staff["data_steward"], merge_id=merge.pk)
    assert undone.unmerged_by == staff["data_steward"] and undone.unmerged_at is not None
    assert {k: _state(two[k]) for k in ("worknet", "ssa")} == before
    assert Person.objects.get(pk=two["ssa"].pk).version == version + 2
    with pytest.raises(DomainError) as again:
        merges.person_unmerge(actor=staff["data_steward"], merge_id=merge.pk)
    assert again.value.code == "merge_undone"
    # Merged again (a steward may): the same survivor, a new merge.
    assert merges.person_merge(actor=SYSTEM, survivor_id=two["worknet"].pk, merged_id=two["ssa"].pk).pk != merge.pk


def test_what_changed_since_is_kept(two, staff):
    merge = merges.person_merge(actor=SYSTEM, survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)
    Person.objects.filter(pk=two["ssa"].pk).update(phone="599000000")  # corrected since
    later = open_case(unit="TB-1", who=None)  # someone else's case: untouched
    merges.person_unmerge(actor=SYSTEM, merge_id=merge.pk)
    assert Person.objects.get(pk=two["ssa"].pk).phone == "599000000"  # today's value stays with the survivor
    assert Person.objects.get(pk=two["ssa"].pk).address == ""  # what the merge filled and nobody changed: back
    assert Case.objects.get(pk=later.pk).job_seeker.person_id == later.job_seeker.person_id


@pytest.mark.parametrize("clash", ["job_seeker", "membership"])
def test_both_holding_a_one_to_one_row_refuses_naming_it(two, clash):
    third = person(unit="TB-1")
    if clash == "job_seeker":
        open_case(who=third)
    else:
        _household(third, "H-2")
    before = _state(third), _state(two["worknet"]), _state(two["ssa"])
    other = two["worknet"] if clash == "job_seeker" else two["ssa"]
    with pytest.raises(DomainError) as refused:
        merges.person_merge(actor=SYSTEM, survivor_id=third.pk, merged_id=other.pk)
    assert refused.value.code == "merge_conflict"
    assert ("employment_jobseeker" if clash == "job_seeker" else "registry_membership") in refused.value.message
    assert (_state(third), _state(two["worknet"]), _state(two["ssa"])) == before
    assert not PersonMerge.objects.exists()


def test_a_person_merged_already_or_themself_is_refused(two):
    third = _primary(person(unit="TB-1"), None)  # no primary source: ranks last, merges into the SSA person
    merge = merges.person_merge(actor=SYSTEM, survivor_id=third.pk, merged_id=two["ssa"].pk)
    assert (merge.survivor_id, merge.merged_id) == (two["ssa"].pk, third.pk)
    with pytest.raises(DomainError) as refused:
        merges.person_merge(actor=SYSTEM, survivor_id=two["worknet"].pk, merged_id=third.pk)
    assert refused.value.code == "merge_already_merged"
    with pytest.raises(DomainError) as same:
        merges.person_merge(actor=SYSTEM, survivor_id=two["ssa"].pk, merged_id=two["ssa"].pk)
    assert same.value.code == "merge_same_person"


def test_a_survivor_merged_on_is_unmerged_in_order(staff):
    a, b, c = (person(unit="TB-1") for _ in range(3))
    _record(c, "worknet", "C-1")
    first = merges.person_merge(actor=SYSTEM, survivor_id=b.pk, merged_id=c.pk)  # c into b
    second = merges.person_merge(actor=SYSTEM, survivor_id=a.pk, merged_id=b.pk)  # b (with c's) into a
    assert Person.objects.get(pk=c.pk).merged_into_id == a.pk  # the pointer follows
    assert SourceRecord.objects.get(key="C-1").person_id == a.pk
    with pytest.raises(DomainError) as refused:
        merges.person_unmerge(actor=SYSTEM, merge_id=first.pk)
    assert refused.value.code == "unmerge_later_merge"
    merges.person_unmerge(actor=SYSTEM, merge_id=second.pk)
    assert Person.objects.get(pk=c.pk).merged_into_id == b.pk
    merges.person_unmerge(actor=SYSTEM, merge_id=first.pk)
    assert SourceRecord.objects.get(key="C-1").person_id == c.pk
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_only_stewards_merge(two, staff):
    for role in ("counsellor", "unit_head", "analyst", "administrator"):
        with pytest.raises(PermissionDenied):
            merges.person_merge(actor=staff[role], survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)


def test_many_links_merge_set_based_by_the_same_rules(staff):
    """Chains become one person; an unmerged pair and a blocked one stay apart."""
    a, b, c = (person(unit="TB-1") for _ in range(3))  # a–b, b–c: one person in a
    d, e = person(unit="TB-1"), person(unit="TB-1")
    open_case(who=d)
    open_case(who=e)  # both job seekers: blocked
    f, g = person(unit="TB-1"), person(unit="TB-1")
    undone = merges.person_merge(actor=SYSTEM, survivor_id=f.pk, merged_id=g.pk)
    merges.person_unmerge(actor=SYSTEM, merge_id=undone.pk)
    done = merges.persons_merge_linked(actor=SYSTEM, pairs=[(a.pk, b.pk, 1), (b.pk, c.pk, 2), (d.pk, e.pk, 3),
                                                            (g.pk, f.pk, 4), (a.pk, a.pk, 5)], run_id=9)
    assert (done.merged, done.refused, done.skipped_unmerged) == (2, 1, 1)
    assert dict(Person.objects.filter(pk__in=[b.pk, c.pk]).values_list("pk", "merged_into_id")) == {
        b.pk: a.pk, c.pk: a.pk}
    assert set(PersonMerge.objects.filter(run_id=9).values_list("merged_id", "pair_id")) == {(b.pk, 1), (c.pk, 2)}
    assert not Person.objects.filter(pk__in=[d.pk, e.pk, f.pk, g.pk], merged_into__isnull=False).exists()


def test_the_pages_show_the_merge_and_undo_it(two, staff):
    merge = merges.person_merge(actor=staff["data_steward"], survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)
    steward = sign_in(Client(), staff["data_steward"])
    moved = steward.get(f"/registry/persons/{two['worknet'].pk}/")
    assert moved.status_code == 302 and moved["Location"] == f"/registry/persons/{two['ssa'].pk}/"
    page = steward.get(moved["Location"]).content.decode()
    assert f'id="merge-{merge.pk}"' in page and f'id="unmerge-{merge.pk}"' in page
    assert "was merged into this person" in page
    counsellor = sign_in(Client(), staff["counsellor"])
    shown = counsellor.get(f"/registry/persons/{two['ssa'].pk}/").content.decode()
    assert f'id="merge-{merge.pk}"' in shown and f'id="unmerge-{merge.pk}"' not in shown  # seen, not undone
    listed = counsellor.get(f"/api/v1/persons/{two['ssa'].pk}/merges").json()
    assert [m["merged_id"] for m in listed] == [two["worknet"].pk] and listed[0]["moved"]
    api = steward.get(f"/api/v1/persons/{two['worknet'].pk}")
    assert api.status_code == 404 and api.json()["code"] == "person_merged"
    assert counsellor.get(f"/api/v1/persons/{two['worknet'].pk}").json()["code"] == "not_found"  # not TB-1's
    done = steward.post(f"/registry/persons/merges/{merge.pk}/unmerge/")
    assert done.status_code == 302 and Person.objects.get(pk=two["worknet"].pk).merged_into_id is None
    again = steward.post(f"/api/v1/person-merges/{merge.pk}/unmerge")
    assert again.status_code == 422 and again.json()["code"] == "merge_undone"
    made = steward.post("/api/v1/person-merges", {"survivor_id": two["worknet"].pk, "merged_id": two["ssa"].pk},
                        content_type="application/json")
    assert made.status_code == 200 and made.json()["survivor_id"] == two["ssa"].pk


def test_a_merged_person_is_anonymised_with_their_survivor_not_before(two):
    merge = merges.person_merge(actor=SYSTEM, survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)
    later = timezone.now() + dt.timedelta(days=1)  # everything is "old" by then
    assert merge.merged not in persons_to_anonymise(later)  # keeps their name for an unmerge while the survivor does
    Person.objects.filter(pk=two["ssa"].pk).update(anonymised_on=DAY)
    assert merge.merged in persons_to_anonymise(later)
    persons_anonymise(later, DAY)  # and what the merge filled on the survivor is no longer kept beside it
    assert PersonMerge.objects.get(pk=merge.pk).filled == {}
    assert Person.objects.get(pk=two["worknet"].pk).given_name_ka == ""


def test_an_import_with_the_merged_persons_number_finds_the_survivor(staff, tmp_path):
    # Both held a number: the survivor keeps its own, the merged person keeps the other. A new Worknet row with the
    # other number and the same birth date is the survivor's, not the hidden person's, and no conflict.
    from sakme.registry.importing.mapping import MAPPINGS_DIR, load_mapping_file
    from sakme.registry.services import import_file

    first = person(unit="TB-1", personal_number="01001012345")
    second = person(unit="TB-1", personal_number="01001054321")
    _record(first, "ssa", "S-9")
    _record(second, "worknet", "W-9")
    merge = merges.person_merge(actor=SYSTEM, survivor_id=first.pk, merged_id=second.pk)
    held = merge.merged.personal_number_tail
    number = "01001012345" if first.pk == merge.merged_id else "01001054321"
    assert number.endswith(held)
    path = tmp_path / "worknet.csv"
    path.write_text("worknet_id,personal_id,first_name,last_name,birth_date\n"
                    f"W-10,{number},Nino,Beridze,1990-05-17\n", encoding="utf-8")
    batch = import_file(actor=SYSTEM, source_code="worknet", path=path,
                        mapping=load_mapping_file(MAPPINGS_DIR / "worknet.toml"))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert SourceRecord.objects.get(key="W-10").person_id == merge.survivor_id
    assert not batch.problems.filter(code="number_elsewhere").exists()


def test_who_saw_the_person_includes_who_saw_the_person_merged_into_them(two, staff):
    # Access events keep the id that was seen: the survivor's history shows those of the merged person too, and
    # no longer after the unmerge.
    from sakme.audit.models import AccessEvent, AccessKind
    from sakme.audit.services import record_access

    record_access(actor=staff["counsellor"], person_ids=[two["worknet"].pk], kind=AccessKind.VIEW, context="before")
    merge = merges.person_merge(actor=staff["data_steward"], survivor_id=two["ssa"].pk, merged_id=two["worknet"].pk)
    steward = sign_in(Client(), staff["data_steward"])
    shown = steward.get(f"/registry/persons/{two['ssa'].pk}/").context["accesses"]
    assert any(e.person_id == two["worknet"].pk and e.context == "before" for e in shown)
    merges.person_unmerge(actor=staff["data_steward"], merge_id=merge.pk)
    shown = steward.get(f"/registry/persons/{two['ssa'].pk}/").context["accesses"]
    assert not any(e.person_id == two["worknet"].pk for e in shown)
    assert AccessEvent.objects.filter(person_id=two["worknet"].pk, context="before").exists()
