"""The admin site as the administrator sees it: who did what and when, but no personal data (no search typed, no
changes of records that may hold it, no second-factor keys), and no way to hand themselves more."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import MultiWidget
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts import services
from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.accounts.roles import Capability, Role, role_reads_personal_data
from sakme.audit import services as audit
from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.common.errors import PermissionDenied
from sakme.tests.factories import PASSWORD, sign_in


def admin_client(staff: dict[str, User]) -> Client:
    return sign_in(Client(), staff["administrator"])


def form_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """The admin change form at `url` as it would be posted back, with `changes`."""
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return data


def test_access_events_show_who_when_and_which_person_but_not_the_search_typed(staff):
    audit.record_access(actor=staff["counsellor"], person_ids=[4242], kind=AccessKind.SEARCH,
                        context="search: 01001012345 Beridze")
    event = AccessEvent.objects.get(person_id=4242)
    client = admin_client(staff)
    listed = client.get("/admin/audit/accessevent/").content.decode()
    shown = client.get(f"/admin/audit/accessevent/{event.pk}/change/").content.decode()
    for page in (listed, shown):
        assert "4242" in page and "counsellor" in page
        assert "01001012345" not in page and "Beridze" not in page


def test_audit_events_hide_the_changes_of_records_that_may_hold_personal_data(staff):
    personal = audit.record(actor=staff["counsellor"], action="job_seeker.update", entity_type="employment.jobseeker",
                            entity_id=7, changes={"phone": "+995 555 12 34 56", "notes": "ნინო ბერიძე"})
    reference = audit.record(actor=staff["administrator"], action="admin.change", entity_type="geo.territorialunit",
                             entity_id=3, changes={"name_en": "Akhmeta service centre"})
    client = admin_client(staff)
    page = client.get(f"/admin/audit/auditevent/{personal.pk}/change/").content.decode()
    assert "job_seeker.update" in page and "employment.jobseeker" in page
    assert "555 12 34" not in page and "ბერიძე" not in page and "Not shown" in page
    assert "Akhmeta service centre" in client.get(f"/admin/audit/auditevent/{reference.pk}/change/").content.decode()
    assert "555 12 34" not in client.get("/admin/audit/auditevent/").content.decode()


def test_second_factor_devices_show_no_key_and_no_qr_code(staff):
    device = TOTPDevice.objects.create(user=staff["data_steward"], name="phone", confirmed=True)
    client = admin_client(staff)
    listed = client.get("/admin/otp_totp/totpdevice/").content.decode()
    shown = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert shown.status_code == 200 and "data_steward" in listed
    for page in (listed, shown.content.decode()):
        assert device.key not in page and "qrcode" not in page.lower()
    for suffix in ("config", "qrcode"):  # django_otp's pages of the QR code are gone
        page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{suffix}/", follow=True).content.decode()
        assert device.key not in page and "otpauth" not in page
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/",
                       {"key": "00" * 20, "user": staff["administrator"].pk}).status_code == 403


def test_a_lost_second_factor_is_removed_and_audited_without_its_key(staff):
    device = TOTPDevice.objects.create(user=staff["data_steward"], name="phone", confirmed=True)
    client = admin_client(staff)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="otp.remove")
    assert event.actor == staff["administrator"] and event.changes["username"] == "data_steward"
    assert device.key not in str(event.changes)


def test_nobody_changes_their_own_role_or_flags_in_the_admin(staff):
    me = staff["administrator"]
    client = admin_client(staff)
    url = f"/admin/accounts/user/{me.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert not {"role", "is_staff", "is_superuser", "user_permissions", "groups"} & set(form.fields)
    response = client.post(url, form_data(client, url, role=Role.DATA_STEWARD, first_name="Me"))
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.role == Role.ADMINISTRATOR and me.first_name == "Me"
    with pytest.raises(PermissionDenied) as refused:
        services.user_role_change(actor=me, user_id=me.pk, role=Role.DATA_STEWARD)
    assert refused.value.code == "own_role"


def test_admin_flags_follow_the_role_and_are_not_set_by_hand(staff):
    counsellor = staff["counsellor"]
    client = admin_client(staff)
    url = f"/admin/accounts/user/{counsellor.pk}/change/"
    assert client.post(url, form_data(client, url, is_superuser="on", is_staff="on")).status_code == 302
    counsellor.refresh_from_db()
    assert not counsellor.is_superuser and not counsellor.is_staff
    assert client.post(url, form_data(client, url, role=Role.ADMINISTRATOR)).status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.role == Role.ADMINISTRATOR and counsellor.is_superuser and counsellor.is_staff


def test_granting_a_role_that_reads_personal_data_is_audited(staff):
    analyst = staff["analyst"]
    client = admin_client(staff)
    url = f"/admin/accounts/user/{analyst.pk}/change/"
    assert client.post(url, form_data(client, url, role=Role.DATA_STEWARD)).status_code == 302
    event = AuditEvent.objects.get(action="user.role_change", entity_id=str(analyst.pk))
    assert event.actor == staff["administrator"]
    assert event.changes == {"username": "analyst", "from": "analyst", "to": "data_steward", "personal_data": True}


def test_a_user_made_in_the_admin_gets_flags_from_the_role_and_no_password_is_recorded(staff):
    client = admin_client(staff)
    response = client.post("/admin/accounts/user/add/", {
        "username": "newsteward", "usable_password": "true", "password1": "Str0ng-pass-phrase",
        "password2": "Str0ng-pass-phrase", "role": Role.DATA_STEWARD})
    assert response.status_code == 302, response.content
    user = User.objects.get(username="newsteward")
    assert user.role == Role.DATA_STEWARD and not user.is_staff and not user.is_superuser
    assert AuditEvent.objects.get(action="user.role_change", entity_id=str(user.pk)).changes["personal_data"]
    assert "Str0ng-pass-phrase" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_a_deleted_user_leaves_no_password_hash_in_the_audit_trail(staff):
    gone = User.objects.create_user(username="gone", password=PASSWORD)
    client = admin_client(staff)
    assert client.post(f"/admin/accounts/user/{gone.pk}/delete/", {"post": "yes"}).status_code == 302
    snapshot = AuditEvent.objects.get(action="admin.delete", entity_type="accounts.user").changes
    assert snapshot["username"] == "gone" and "password" not in snapshot


def test_only_administrators_change_roles(staff):
    with pytest.raises(PermissionDenied):
        services.user_role_change(actor=staff["unit_head"], user_id=staff["counsellor"].pk, role=Role.UNIT_HEAD)
    changed = services.user_role_change(actor=SYSTEM, user_id=staff["counsellor"].pk, role=Role.UNIT_HEAD)
    assert changed.role == Role.UNIT_HEAD


def test_the_administrator_role_opens_no_personal_data(staff):
    """Administrators run the system: territory, rollout and indicator figures, the programme's activities and the
    admin site, no person's data."""
    assert not role_reads_personal_data(Role.ADMINISTRATOR)
    assert {c for c in Capability if staff["administrator"].can(c)} == {
        Capability.GEO_VIEW, Capability.ADMIN_SITE, Capability.ROLLOUT_VIEW, Capability.INDICATOR_VIEW,
        Capability.ACTIVITY_RECORD, Capability.FORMULA_VIEW}
    assert role_reads_personal_data(Role.DATA_STEWARD) and role_reads_personal_data(Role.COUNSELLOR)
