"""Domain refusals on pages: one translated, navigable error page for each status (403, 404, 409, 413, 422).

A view lets a `DomainError` it does not handle itself travel up; this turns it into the page, with the same
status and code the API gives for the same refusal (`sakme.api.errors`). Also the headers every response gets
(`ResponseHeaders`), the upload limit (`BodySizeLimit`) and the client's address behind the proxy (`client_ip`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
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
    413: gettext_lazy("Too large"),
    422: gettext_lazy("This cannot be done"),
}
API_PREFIX = "/api/"


class TooLarge(DomainError):
    """A request body larger than sakme takes."""

    status = 413
    code = "too_large"


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


class ResponseHeaders:
    """What every response says to the browser beyond Django's own security headers.

    `Cache-Control: no-store` (with Django's never-cache set) on everything a signed-in user is shown and on every API
    response: personal data must not stay in the browser's cache or a shared proxy's, nor come back with the back
    button after signing out. One rule, not a list of personal pages, so that a new page cannot be forgotten; static
    files never reach here (whitenoise answers them first, with their own long caching). And `Permissions-Policy`
    refusing the features no page uses (camera, microphone, geolocation, payment, USB, ...).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # looked at after the view: sign-in and sign-out change it
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.SAKME_PERMISSIONS_POLICY)
        return response


class BodySizeLimit:
    """Refuses a body larger than sakme takes before anything reads it: 413 `too_large`, as a page or as problem
    details on the API. A file upload may be up to SAKME_MAX_UPLOAD_MB (it streams to disk); any other body up to
    DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own limit, which would otherwise end in a bare 400 once the body is read).
    The length is the declared one: a body sent without it (chunked) is bounded by Django's limits as it is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            upload = request.content_type == "multipart/form-data"
            limit = settings.SAKME_MAX_UPLOAD_MB * 1024 * 1024 if upload else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and length > limit:
                return self.refuse(request, upload=upload, limit=limit)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, *, upload: bool, limit: int) -> HttpResponse:
        megabytes = max(1, limit // (1024 * 1024))
        if upload:
            detail = _("The file is larger than %(mb)d MB, the most sakme takes in one upload. Split it into "
                       "smaller files and upload each.") % {"mb": megabytes}
        else:
            detail = _("The request is larger than %(mb)d MB, the most sakme takes.") % {"mb": megabytes}
        error = TooLarge(detail)
        if request.path.startswith(API_PREFIX):
            body = {"type": f"urn:sakme:problem:{error.code}", "title": str(TITLES[413]), "status": 413,
                    "code": error.code, "detail": detail, "errors": []}
            response = HttpResponse(json.dumps(body), status=413, content_type="application/json")
        else:
            response = error_page(request, error)
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the sign-in lockout: with SAKME_PROXY_COUNT proxies in front, the address the
    outermost one saw (the entry that many places from the right of X-Forwarded-For; entries further left are the
    client's own word), else REMOTE_ADDR (also when the header holds fewer entries: the request bypassed a proxy)."""
    count = settings.PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
