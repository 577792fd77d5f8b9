"""Domain refusals on pages: one translated, navigable error page for each status (403, 404, 409, 422).

A view lets a `DomainError` it does not handle itself travel up; this turns it into the page, with the same
status and code the API gives for the same refusal (`sakme.api.errors`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakme.common.errors import DomainError, NotFound, PermissionDenied

# A number beyond what the database holds (an id of 30 digits, say) or a value too long for its column: no record
# has it, and nothing is written (the transaction of the write is rolled back).
OUT_OF_RANGE = gettext_lazy("A value is out of range: no record has it, and nothing was written.")

TITLES = {
    403: gettext_lazy("You may not do this"),
    404: gettext_lazy("Not found"),
    409: gettext_lazy("Someone else changed this"),
    422: gettext_lazy("This cannot be done"),
}


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error page of a domain refusal: its title, its message, its code, and ways to go on."""
    response = render(request, "error.html", {"status": error.status, "title": TITLES.get(error.status, TITLES[422]),
                                              "detail": error.message, "code": error.code}, status=error.status)
    response["X-Error-Code"] = error.code
    return response


class DomainErrorMiddleware:
    """Turns a domain refusal that reached the top of a page into the error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API's own handler answers (sakme.api.errors)
        if isinstance(exception, DomainError):
            return error_page(request, exception)
        if isinstance(exception, OverflowError | DataError):
            return error_page(request, DomainError(str(OUT_OF_RANGE), code="invalid"))
        return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's own 404 (an unknown address, `Http404`) as the same page."""
    detail = str(exception) if isinstance(exception, Http404) and exception.args else _("No such page.")
    return error_page(request, NotFound(detail))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's own 403 (CSRF aside) as the same page."""
    detail = str(exception) if isinstance(exception, DjangoPermissionDenied) and exception.args else ""
    return error_page(request, PermissionDenied(detail or _("Your role does not allow this.")))
