from __future__ import annotations

from django.http import HttpRequest

from sakme.exports.kinds import KINDS


def exports(request: HttpRequest) -> dict[str, object]:
    """Whether the user may export any kind (the menu shows Exports then)."""
    user = getattr(request, "user", None)
    may = bool(user is not None and user.is_authenticated and any(user.can(k.capability) for k in KINDS.values()))
    return {"perms_export": may}
