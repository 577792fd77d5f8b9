"""The programme's activities (staff allocations, trainings, working meetings, orders approving manuals): the
services' rules, the year page and the forms, the API over the same services."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AuditEvent
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied
from sakme.geo import activities
from sakme.geo.activities import ManualData
from sakme.geo.models import ApprovalOrder, Manual, StaffAllocation, StaffPost, TerritorialUnit, Training
from sakme.geo.selectors import activities_of_year, staff_choices
from sakme.tests.factories import sign_in

TODAY = dt.date.today()
PAST = dt.date(2025, 3, 12)
MANUALS = [ManualData(kind="job_seekers", title_ka="სახელმძღვანელო", title_en="Manual for job seekers")]


def _unit(code: str = "KA-TEL") -> TerritorialUnit:
    return TerritorialUnit.objects.get(code=code)


def _code(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value.code


def _training(staff, **extra) -> Training:
    values = {"kind": "training", "date": PAST, "title_ka": "ტრენინგი", "title_en": "Training on profiling",
              "attendees": [staff["counsellor"].pk, staff["unit_head"].pk], **extra}
    return activities.training_save(actor=staff["analyst"], **values)


def _api(client: Client, method: str, path: str, body: dict) -> object:
    return getattr(client, method)(f"/api/v1{path}", json.dumps(body), content_type="application/json")


# The services.

def test_the_2019_reference_activities_of_the_annual_report(territory):
    year = activities_of_year(2019)
    assert len(year.trainings) + len(year.working_meetings) == 6
    assert (len(year.trainings), len(year.working_meetings)) == (3, 3)
    assert len(year.staff_allocations) == 7
    assert {a.unit.kind for a in year.staff_allocations} == {"regional_centre"}
    assert {a.staff_units for a in year.staff_allocations} == {4}
    (order,) = year.orders
    assert order.number == "N04-2412/ო" and order.date == dt.date(2019, 12, 3)
    assert sorted(m.kind for m in order.manuals.all()) == ["employers", "group_sessions", "job_seekers"]


def test_a_year_is_read_in_a_constant_number_of_queries(staff):
    Training.objects.filter(date__year=2019).first().attendees.add(staff["unit_head"])  # type: ignore[union-attr]
    with CaptureQueriesContext(connection) as few:
        activities_of_year(2019)
    for t in Training.objects.filter(date__year=2019):
        activities.training_save(actor=SYSTEM, training_id=t.pk, expected_version=t.version, kind=t.kind,
                                 date=t.date, days=t.days, title_ka=t.title_ka, title_en=t.title_en,
                                 attendees=[staff["counsellor"].pk, staff["regional_coordinator"].pk])
    with CaptureQueriesContext(connection) as many:
        year = activities_of_year(2019)
        shown = [(u.username, [str(p.unit or p.region) for p in u.posts.all()])
                 for t in year.trainings for u in t.attendees.all()]
        manuals = [m.title for o in year.orders for m in o.manuals.all()]
    assert len(shown) == 6 and len(manuals) == 3
    assert len(few) == len(many) == 6  # allocations, trainings, attendees, their posts, orders, manuals


def test_a_staff_allocation_recorded_corrected_and_a_stale_correction_refused(staff):
    analyst = staff["analyst"]
    made = activities.staff_allocation_save(actor=analyst, unit_id=_unit().pk, date=PAST, staff_units=5,
                                            reason_ka="გაძლიერება", reason_en="Reinforcement")
    assert made.version == 1 and AuditEvent.objects.filter(action="staff_allocation.create").exists()
    fixed = activities.staff_allocation_save(actor=analyst, allocation_id=made.pk, expected_version=1,
                                             unit_id=_unit().pk, date=PAST, staff_units=6)
    assert fixed.version == 2 and fixed.staff_units == 6 and fixed.reason_en == ""
    event = AuditEvent.objects.get(action="staff_allocation.update")
    assert event.changes["staff_units"] == {"from": "5", "to": "6"}
    with pytest.raises(ConcurrentEdit):
        activities.staff_allocation_save(actor=analyst, allocation_id=made.pk, expected_version=1,
                                         unit_id=_unit().pk, date=PAST, staff_units=7)
    assert StaffAllocation.objects.get(pk=made.pk).staff_units == 6  # not lost, not overwritten


def test_staff_allocation_refusals(staff):
    save, analyst, unit = activities.staff_allocation_save, staff["analyst"], _unit().pk
    assert _code(save, actor=analyst, unit_id=unit, date=PAST, staff_units=501) == "staff_units_out_of_range"
    assert _code(save, actor=analyst, unit_id=unit, date=PAST, staff_units=-1) == "staff_units_out_of_range"
    assert _code(save, actor=analyst, unit_id=unit, date=PAST, staff_units=3,
                 reason_en="Cut") == "translation_missing"
    assert _code(save, actor=analyst, unit_id=unit, date=dt.date(1999, 1, 1), staff_units=3) == "date_out_of_range"
    assert _code(save, actor=analyst, unit_id=unit, date=dt.date(2019, 7, 1), staff_units=3) == "allocation_exists"
    assert _code(save, actor=analyst, unit_id=10**6, date=PAST, staff_units=3) == "not_found"
    with pytest.raises(PermissionDenied):
        save(actor=staff["unit_head"], unit_id=unit, date=PAST, staff_units=3)  # sees the activities, records none
    assert activities.staff_allocation_save(actor=analyst, unit_id=unit, date=PAST, staff_units=0).staff_units == 0


def test_a_training_with_its_attendees(staff):
    training = _training(staff)
    assert set(training.attendees.values_list("username", flat=True)) == {"counsellor", "unit_head"}
    # Attendance corrected: someone else came too; who came before stays when attendees are not given.
    again = activities.training_save(actor=staff["administrator"], training_id=training.pk, expected_version=1,
                                     kind="training", date=PAST, days=2, title_ka="ტრენინგი",
                                     title_en="Training on profiling", attendees=None)
    assert again.version == 2 and again.days == 2 and again.attendees.count() == 2
    # A staff member who has since lost their post stays recorded; a new attendee must hold a post.
    StaffPost.objects.filter(user=staff["unit_head"]).delete()
    kept = activities.training_save(actor=staff["analyst"], training_id=training.pk, expected_version=2,
                                    kind="training", date=PAST, title_ka="ტრენინგი", title_en="Training on profiling",
                                    attendees=[staff["unit_head"].pk, staff["employer_relations"].pk])
    assert kept.attendees.count() == 2 and kept.version == 3
    event = AuditEvent.objects.filter(action="training.update").latest("pk")
    assert event.changes["attendees"] == {"added": [staff["employer_relations"].pk],
                                          "removed": [staff["counsellor"].pk]}
    with pytest.raises(ConcurrentEdit):
        activities.training_save(actor=staff["analyst"], training_id=training.pk, expected_version=2,
                                 kind="training", date=PAST, title_ka="ტრენინგი", title_en="Training on profiling")
    moved = {"actor": staff["analyst"], "training_id": training.pk, "expected_version": 3, "kind": "training",
             "date": TODAY + dt.timedelta(days=9), "title_ka": "ტრენინგი", "title_en": "Training on profiling"}
    assert _code(activities.training_save, **moved) == "attendance_before_held"  # into the future, attended?
    assert activities.training_save(**moved, attendees=[]).attendees.count() == 0  # planned again, nobody came


def test_training_refusals(staff):
    analyst, save = staff["analyst"], activities.training_save
    base = {"actor": analyst, "kind": "working_meeting", "date": PAST, "title_ka": "შეხვედრა", "title_en": "Meeting"}
    assert _code(save, **{**base, "attendees": [analyst.pk]}) == "attendee_not_staff"  # analysts hold no post
    assert _code(save, **{**base, "date": TODAY + dt.timedelta(days=30),
                          "attendees": [staff["counsellor"].pk]}) == "attendance_before_held"
    assert _code(save, **{**base, "title_ka": " "}) == "title_missing"
    assert _code(save, **{**base, "title_en": ""}) == "title_missing"
    assert _code(save, **{**base, "days": 0}) == "days_out_of_range"
    assert _code(save, **{**base, "kind": "party"}) == "kind_unknown"
    assert _code(save, **{**base, "date": dt.date(2019, 3, 14),
                          "title_en": Training.objects.get(date=dt.date(2019, 3, 14)).title_en}) == "training_exists"
    assert _code(save, **{**base, "training_id": 10**6, "expected_version": 1}) == "not_found"
    planned = save(**{**base, "date": TODAY + dt.timedelta(days=30)})  # planned: nobody attended yet
    assert planned.pk and planned.attendees.count() == 0
    with pytest.raises(PermissionDenied):
        save(**{**base, "actor": staff["counsellor"]})


def test_an_order_with_its_manuals(staff):
    analyst = staff["analyst"]
    order = activities.order_save(actor=analyst, number=" N01-17/ო ", date=PAST, title_ka="ბრძანება", title_en="Order",
                                  manuals=[*MANUALS, ManualData("employers", "დამსაქმებლები", "For employers")])
    assert order.number == "N01-17/ო" and order.manuals.count() == 2 and order.version == 1
    refused = {
        "order_number_missing": {"number": " "},
        "order_exists": {},
        "manuals_missing": {"number": "N02", "manuals": []},
        "date_out_of_range": {"number": "N02", "date": TODAY + dt.timedelta(days=1)},
        "manual_duplicate": {"number": "N02", "manuals": MANUALS * 2},
        "title_missing": {"number": "N02", "manuals": [ManualData("other", "", "English only")]},
        "kind_unknown": {"number": "N02", "manuals": [ManualData("", "ka", "en")]},
    }
    for code, change in refused.items():
        values = {"number": "N01-17/ო", "date": PAST, "title_ka": "ბრძანება", "title_en": "Order", "manuals": MANUALS,
                  **change}
        assert _code(activities.order_save, actor=analyst, **values) == code, code
    manual = order.manuals.get(kind="employers")
    fixed = activities.manual_save(actor=analyst, manual_id=manual.pk, expected_version=1, kind="employers",
                                   title_ka="დამსაქმებლებისთვის", title_en="Guide for employers")
    assert fixed.title_en == "Guide for employers" and ApprovalOrder.objects.get(pk=order.pk).version == 2
    with pytest.raises(ConcurrentEdit):  # the order's version stands for its manuals
        activities.manual_save(actor=analyst, order_id=order.pk, expected_version=1, kind="other", title_ka="x",
                               title_en="Another")
    assert _code(activities.manual_save, actor=analyst, order_id=order.pk, expected_version=2, kind="other",
                 title_ka="x", title_en="Guide for employers") == "manual_duplicate"
    added = activities.manual_save(actor=analyst, order_id=order.pk, expected_version=2, kind="other", title_ka="x",
                                   title_en="Another")
    assert added.order_id == order.pk and Manual.objects.filter(order=order).count() == 3
    renamed = activities.order_save(actor=analyst, order_id=order.pk, expected_version=3, number="N01-18/ო",
                                    date=PAST, title_ka="ბრძანება", title_en="Order")
    assert renamed.number == "N01-18/ო" and renamed.version == 4


def test_staff_to_choose_from_are_grouped_by_unit(staff):
    groups = dict(staff_choices())
    unit = next(label for label in groups if "TB-1" in label)
    assert {name for _, name in groups[unit]} == {"counsellor", "employer_relations", "unit_head",
                                                  "assistance_specialist", "social_agent"}
    assert "municipal_social_worker" not in {name for people in groups.values() for _, name in people}
    assert staff["analyst"].pk not in {pk for people in groups.values() for pk, _ in people}  # no post
    assert staff["analyst"].pk in {pk for _, people in staff_choices(also=[staff["analyst"].pk]) for pk, _ in people}


# The pages.

def test_the_year_page(staff):
    analyst = sign_in(Client(), staff["analyst"])
    page = analyst.get("/geo/activities/?year=2019")
    html = page.content.decode()
    assert page.status_code == 200 and "N04-2412/ო" in html and "03.12.2019" in html
    assert html.count('href="/geo/activities/allocations/') == 7 + 1  # each of the 7 regional centres, and "add"
    assert html.count('href="/geo/activities/trainings/') == 6 + 2
    assert "Methodological guide for group consultation sessions" in html
    assert '<option value="2019" selected>' in html
    head = sign_in(Client(), staff["unit_head"]).get("/geo/activities/?year=2019").content.decode()
    assert "N04-2412/ო" in head and "/geo/activities/trainings/new/" not in head  # sees, records nothing
    assert sign_in(Client(), staff["counsellor"]).get("/geo/activities/").status_code == 403
    assert analyst.get("/geo/activities/?year=abc").status_code == 200  # this year's


def test_the_year_page_runs_a_constant_number_of_queries(staff):
    analyst = sign_in(Client(), staff["analyst"])
    Training.objects.filter(date__year=2019).first().attendees.add(staff["unit_head"])  # type: ignore[union-attr]
    analyst.get("/geo/activities/?year=2019")
    with CaptureQueriesContext(connection) as few:
        analyst.get("/geo/activities/?year=2019")
    for t in Training.objects.filter(date__year=2019):
        t.attendees.set([staff["counsellor"], staff["unit_head"], staff["regional_coordinator"]])
    with CaptureQueriesContext(connection) as many:
        html = analyst.get("/geo/activities/?year=2019").content.decode()
    assert html.count("<li>counsellor") == 6
    assert len(few) == len(many)


def test_a_training_added_on_its_page_with_two_attendees(staff):
    analyst = sign_in(Client(), staff["analyst"])
    form = analyst.get("/geo/activities/trainings/new/?kind=working_meeting")
    assert form.status_code == 200 and b'value="working_meeting" selected' in form.content
    assert b"TB-1" in form.content  # staff by their unit
    response = analyst.post("/geo/activities/trainings/new/", {
        "kind": "training", "date": PAST, "days": 1, "title_ka": "ტრენინგი", "title_en": "Interviewing",
        "attendees": [staff["counsellor"].pk, staff["employer_relations"].pk]})
    assert response.status_code == 302 and response["Location"] == "/geo/activities/?year=2025"
    training = Training.objects.get(title_en="Interviewing")
    assert training.attendees.count() == 2
    shown = analyst.get("/geo/activities/?year=2025").content.decode()
    assert "Interviewing" in shown and "Training or working meeting saved." in shown
    refused = analyst.post("/geo/activities/trainings/new/", {"kind": "training", "date": PAST, "days": 1,
                                                               "title_ka": "", "title_en": "No Georgian"})
    assert refused.status_code == 422 and refused["X-Error-Code"] == "title_missing"
    assert b'role="alert"' in refused.content and b"No Georgian</textarea>" in refused.content


def test_a_stale_correction_on_the_page_is_shown_not_lost(staff):
    training = _training(staff)
    analyst, admin = sign_in(Client(), staff["analyst"]), sign_in(Client(), staff["administrator"])
    url = f"/geo/activities/trainings/{training.pk}/"
    assert b'name="version" value="1"' in analyst.get(url).content
    mine = {"kind": "training", "date": PAST, "days": 3, "title_ka": "ტრენინგი", "title_en": "Training on profiling",
            "attendees": [staff["counsellor"].pk], "version": 1}
    assert admin.post(url, {**mine, "days": 2}).status_code == 302
    stale = analyst.post(url, mine)
    assert stale.status_code == 409 and stale["X-Error-Code"] == "concurrent_edit"
    html = stale.content.decode()
    assert 'name="version" value="2"' in html and 'name="days" value="3"' in html
    assert Training.objects.get(pk=training.pk).days == 2  # the other's change stands
    assert analyst.post(url, {**mine, "version": 2}).status_code == 302  # saved again, knowingly
    assert Training.objects.get(pk=training.pk).days == 3


def test_allocation_order_and_manual_pages(staff):
    analyst = sign_in(Client(), staff["analyst"])
    assert analyst.get("/geo/activities/allocations/new/").status_code == 200
    unit = _unit("IM-KUT")
    added = analyst.post("/geo/activities/allocations/new/", {"unit": unit.pk, "date": PAST, "staff_units": 6})
    assert added.status_code == 302
    allocation = StaffAllocation.objects.get(unit=unit, date=PAST)
    too_many = analyst.post(f"/geo/activities/allocations/{allocation.pk}/", {
        "unit": unit.pk, "date": PAST, "staff_units": 900, "version": 1})
    assert too_many.status_code == 422 and b"from 0 to 500" in too_many.content
    order = analyst.post("/geo/activities/orders/new/", {
        "number": "N07/ო", "date": PAST, "title_ka": "ბრძანება", "title_en": "Order", "m-TOTAL_FORMS": 3,
        "m-INITIAL_FORMS": 0, "m-0-kind": "employers", "m-0-title_ka": "დამსაქმებლები", "m-0-title_en": "Employers",
        "m-1-kind": "other", "m-1-title_ka": "სხვა", "m-1-title_en": "Other"})
    assert order.status_code == 302
    saved = ApprovalOrder.objects.get(number="N07/ო")
    assert saved.manuals.count() == 2
    none = analyst.post("/geo/activities/orders/new/", {"number": "N08/ო", "date": PAST, "title_ka": "ბ",
                                                        "title_en": "O", "m-TOTAL_FORMS": 3, "m-INITIAL_FORMS": 0})
    assert none.status_code == 422 and none["X-Error-Code"] == "manuals_missing"
    manual = saved.manuals.get(kind="other")
    edit = analyst.get(f"/geo/activities/manuals/{manual.pk}/")
    assert edit.status_code == 200 and b"N07/" in edit.content
    assert analyst.post(f"/geo/activities/manuals/{manual.pk}/", {
        "kind": "other", "title_ka": "სხვა", "title_en": "Other guide", "version": 1}).status_code == 302
    stale = analyst.post(f"/geo/activities/orders/{saved.pk}/", {"number": "N07/ო", "date": PAST,
                                                                  "title_ka": "ბ", "title_en": "O", "version": 1})
    assert stale.status_code == 409
    assert analyst.post(f"/geo/activities/orders/{saved.pk}/manuals/new/", {
        "kind": "other", "title_ka": "ახალი", "title_en": "New", "version": 2}).status_code == 302
    assert sign_in(Client(), staff["unit_head"]).get("/geo/activities/orders/new/").status_code == 403
    assert analyst.get("/geo/activities/manuals/999999/").status_code == 404


# The API.

def test_the_api_lists_a_year_and_records_each_kind(staff):
    client = sign_in(Client(), staff["analyst"])
    year = client.get("/api/v1/activities?year=2019").json()
    assert len(year["trainings"]) + len(year["working_meetings"]) == 6 and len(year["staff_allocations"]) == 7
    assert [(o["number"], len(o["manuals"])) for o in year["orders"]] == [("N04-2412/ო", 3)]
    made = _api(client, "post", "/activities/trainings", {
        "kind": "working_meeting", "date": "2025-03-12", "title_ka": "შეხვედრა", "title_en": "Meeting",
        "attendees": [staff["counsellor"].pk, staff["regional_coordinator"].pk]})
    assert made.status_code == 200, made.content
    body = made.json()
    assert {a["name"]: a["units"] for a in body["attendees"]} == {"counsellor": ["TB-1"],
                                                                  "regional_coordinator": ["IM"]}
    path = f"/activities/trainings/{body['id']}"
    change = {"kind": "working_meeting", "date": "2025-03-12", "title_ka": "შეხვედრა", "title_en": "Meeting",
              "days": 2, "expected_version": 1}
    assert _api(client, "put", path, change).json()["version"] == 2
    stale = _api(client, "put", path, change)
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    allocation = _api(client, "post", "/activities/staff-allocations", {"unit": "AJ-BAT", "date": "2025-03-12",
                                                                        "staff_units": 5})
    assert allocation.status_code == 200 and allocation.json()["region"] == "AJ"
    put = _api(client, "put", f"/activities/staff-allocations/{allocation.json()['id']}", {
        "unit": "AJ-BAT", "date": "2025-03-12", "staff_units": 600, "expected_version": 1})
    assert put.status_code == 422 and put.json()["code"] == "staff_units_out_of_range"
    order = _api(client, "post", "/activities/orders", {
        "number": "N09/ო", "date": "2025-03-12", "title_ka": "ბ", "title_en": "O",
        "manuals": [{"kind": "employers", "title_ka": "დ", "title_en": "E"}]})
    assert order.status_code == 200 and order.json()["version"] == 1
    order_id, manual_id = order.json()["id"], order.json()["manuals"][0]["id"]
    more = _api(client, "post", f"/activities/orders/{order_id}/manuals", {
        "kind": "other", "title_ka": "ს", "title_en": "S", "expected_version": 1})
    assert more.json()["version"] == 2 and len(more.json()["manuals"]) == 2
    fixed = _api(client, "put", f"/activities/manuals/{manual_id}", {
        "kind": "employers", "title_ka": "დ", "title_en": "Employers", "expected_version": 2})
    assert fixed.json()["manuals"][0]["title_en"] == "Employers"
    renamed = _api(client, "put", f"/activities/orders/{order_id}", {
        "number": "N10/ო", "date": "2025-03-12", "title_ka": "ბ", "title_en": "O", "expected_version": 3})
    assert renamed.json()["number"] == "N10/ო"
    empty = _api(client, "post", "/activities/orders", {"number": "N11", "date": "2025-03-12", "title_ka": "ბ",
                                                         "title_en": "O", "manuals": []})
    assert empty.json()["code"] == "manuals_missing"


def test_the_api_refuses_whom_the_pages_refuse(staff):
    head = sign_in(Client(), staff["unit_head"])
    assert head.get("/api/v1/activities").status_code == 200
    refused = _api(head, "post", "/activities/staff-allocations", {"unit": "AJ-BAT", "date": "2025-03-12",
                                                                   "staff_units": 5})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert sign_in(Client(), staff["counsellor"]).get("/api/v1/activities").status_code == 403
    unknown = _api(sign_in(Client(), staff["analyst"]), "post", "/activities/staff-allocations", {
        "unit": "XX-NOPE", "date": "2025-03-12", "staff_units": 5})
    assert unknown.status_code == 404
    assert not re.search(r"\d{11}", head.get("/api/v1/activities?year=2019").content.decode())


def test_the_admin_site_shows_trainings_and_leaves_their_recording_to_the_pages(staff):
    """One way to record a training: its page (rules, versions); the admin site only lists them."""
    client = sign_in(Client(), staff["administrator"])
    training = Training.objects.filter(date__year=2019).first()
    assert client.get("/admin/geo/training/").status_code == 200
    assert client.get(f"/admin/geo/training/{training.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"/admin/geo/training/{training.pk}/change/", {"title_en": "x"}).status_code == 403
    assert client.get("/admin/geo/training/add/").status_code == 403
