"""The administrator's pages for staff accounts. Administrators run the system, not people's files, and do not hand
themselves more: nobody changes their own role, the admin-site flags follow the role (an administrator's, nobody
else's), a role change is audited with whether it opens personal data, and second-factor keys are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts import services, tokens
from sakme.accounts.models import ApiToken, User
from sakme.accounts.roles import Capability, role_can, role_reads_personal_data
from sakme.audit import services as audit
from sakme.audit.admin import AuditedModelAdmin, ReadOnlyAdmin

# Never edited here: the flags follow the role (`services.user_role_change`), and Django's own permissions and groups
# give nothing in sakme but the admin site, which is the administrators' (superusers') alone.
ALWAYS_READ_ONLY = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (gettext_lazy("Role in sakme"), {"fields": ("role", "preferred_language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (gettext_lazy("Role in sakme"), {"fields": ("role",)}),
    )
    actions = ["end_sessions"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        own = obj is not None and obj.pk == getattr(request.user, "pk", None)
        return (*super().get_readonly_fields(request, obj), *ALWAYS_READ_ONLY, *(("role",) if own else ()))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "role" in form.changed_data:
            role = obj.role
            obj.role = form.initial["role"]  # the role changes through its service, which refuses one's own
            super().save_model(request, obj, form, change)
            changed = services.user_role_change(actor=request.user, user_id=obj.pk, role=role)
            obj.role, obj.is_staff, obj.is_superuser = changed.role, changed.is_staff, changed.is_superuser
            return
        if not change:
            obj.is_staff = obj.is_superuser = role_can(obj.role, Capability.ADMIN_SITE)
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(actor=request.user, action="user.role_change", entity_type="accounts.user",
                         entity_id=obj.pk, changes={"username": obj.username, "from": "", "to": obj.role,
                                                    "personal_data": role_reads_personal_data(obj.role)})

    @admin.action(description=gettext_lazy("End sessions"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Sign the chosen users out everywhere (their API tokens stay: revoke those under API tokens)."""
        ended = sum(services.user_sessions_end(actor=request.user, user_id=pk)
                    for pk in queryset.values_list("pk", flat=True))
        users = queryset.count()
        self.message_user(request, ngettext(
            "Ended the sessions of %(users)d user (%(ended)d signed in).",
            "Ended the sessions of %(users)d users (%(ended)d signed in).", users) % {"users": users, "ended": ended},
            messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Who holds which tokens, and until when; never a secret (only hashes are kept, and not shown either)."""

    list_display = ("user", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    fields = readonly_fields = list_display
    list_select_related = ("user",)
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name")
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("Revoke the chosen tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for pk in queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True):
            tokens.api_token_revoke(actor=request.user, token_id=pk)
        self.message_user(request, _("The chosen tokens are revoked."), messages.SUCCESS)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)  # django_otp's own shows the key and the QR code to every administrator


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    """Who has set up a second factor; never its key or QR code (with either, anyone could make the codes). Deleting
    a device is how a lost phone is replaced: its user sets up a new one at the next sign-in."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = readonly_fields = list_display
    list_select_related = ("user",)
    list_filter = ("confirmed",)
    search_fields = ("user__username",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.totp_device_remove(actor=request.user, device_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pk in queryset.values_list("pk", flat=True):
            services.totp_device_remove(actor=request.user, device_id=pk)
