"""What every write of a case starts with: the case locked for the transaction, after the permission, unit and
version checks; and what it ends with, the new version."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.casework.models import Case
from sakme.common.errors import ConcurrentEdit
from sakme.geo.access import require, scope_check


def today() -> dt.date:
    return timezone.localdate()


def case_locked(actor: Actor, case_id: int, expected_version: int | None,
                capability: Capability | tuple[Capability, ...] = Capability.CASE_WORK) -> Case:
    """The case, locked for this transaction, after permission, unit and version checks (a case of another unit
    is not found, as in the scoping getters)."""
    require(actor, capability)
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    scope_check(actor, case.unit_id if case else None, _("No such case in your units."))
    assert case is not None
    version_check(case.version, expected_version, _("Someone else changed this case a moment ago. Reload it and "
                                                     "apply your change again."))
    return case


def version_check(current: int, expected: int | None, message: str) -> None:
    """Refuse a write made from a stale copy (None: the write only adds, so it cannot overwrite anything)."""
    if expected is not None and current != expected:
        raise ConcurrentEdit(message)


def touch(case: Case) -> None:
    """Something of the case changed: its version moves on, so copies read before are stale."""
    case.version += 1
    case.save(update_fields=["version", "updated_at"])
