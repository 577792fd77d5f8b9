"""Who acts: a signed-in member of staff, or the system itself (commands, the worker, the demo set-up).

Services take an `Actor`. The system actor is explicit, never `None`: it holds every capability and every unit,
and its changes are audited with no user attached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from sakme.accounts.models import User
from sakme.accounts.roles import Capability

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class SystemActor:
    """The system acting on its own: trusted like `manage.py`, recorded as nobody in particular."""

    pk = None
    id = None
    role = "system"
    username = "system"
    is_active = True
    is_authenticated = True
    is_system = True

    def can(self, capability: Capability) -> bool:
        return True

    def get_full_name(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()
Actor = User | SystemActor


def acting_user(actor: Actor) -> User | None:
    """The user to store as the author of a record (None for the system)."""
    return actor if isinstance(actor, User) else None


class AuthedRequest(HttpRequest):
    """A request of a signed-in member of staff (the login middleware lets no other through to a page)."""

    user: User
    htmx: HtmxDetails
