"""What every casework page checks first: the role does case work, and the case is one of the user's units."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from sakme.accounts.roles import Capability
from sakme.casework import access
from sakme.casework.models import Case


def require_case_work(request: HttpRequest) -> None:
    """403 unless the user's role does case work."""
    if not request.user.can(Capability.CASE_WORK):  # type: ignore[union-attr]
        raise DjangoPermissionDenied(_("Your role does not allow this."))


def case_of_request(request: HttpRequest, case_id: int) -> Case:
    """The case, read through the scoping getter (an access event); 404 when it is not in the user's units."""
    require_case_work(request)
    try:
        return access.case_get_for_user(request.user, case_id, context=request.path)
    except Case.DoesNotExist:
        raise Http404(_("No such case in your units.")) from None
