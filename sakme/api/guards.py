"""A character no database column holds: the NUL (U+0000). PostgreSQL refuses it in text, so a request carrying
one in its query or its JSON body is refused up front, as any other input that does not parse (422 `invalid`),
before it can reach a query. Pages are covered by Django's forms, which refuse it the same way."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def carries_nul(request: HttpRequest) -> bool:
    """Whether the query string or a JSON body holds a NUL character (escaped or not)."""
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.content_type == "application/json" and request.body:
        return b"\x00" in request.body or b"\\u0000" in request.body
    return False


class NulGuard:
    """Refuses API requests that carry a NUL character (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and carries_nul(request):
            body = {"type": "urn:sakme:problem:invalid", "title": _("This cannot be done"), "status": 422,
                    "code": "invalid", "detail": _("The request holds a NUL character (U+0000), which no field takes."),
                    "errors": []}
            return HttpResponse(json.dumps(body), status=422, content_type="application/json")
        return self.get_response(request)
