"""The API's one mapping of errors to responses: problem details (RFC 9457) with a stable `code`.

Routes never catch domain errors: a service's refusal travels here and becomes the same status and code a page
shows for it (`sakme.common.middleware`). Request bodies and parameters that do not parse get 422 `invalid`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sakme.common.errors import DomainError, NotFound
from sakme.common.middleware import OUT_OF_RANGE, TITLES


class Problem(Schema):
    """Why the request was refused: `code` is stable (test against it), `detail` is for people."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] = []


# Every route declares these beside its success response: a body that is not JSON, who is not signed in, may not,
# finds nothing, was overtaken by another edit, or sent what the rules refuse.
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def problem(request: HttpRequest, api: NinjaAPI, *, status: int, code: str, detail: str,
            errors: list[dict[str, Any]] | None = None) -> HttpResponse:
    """A problem-details response."""
    title = str(TITLES.get(status, _("Not signed in") if status == 401 else TITLES[422]))
    body = {"type": f"urn:sakme:problem:{code}", "title": title, "status": status, "code": code, "detail": detail,
            "errors": errors or []}
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(request, api, status=exc.status, code=exc.code, detail=exc.message)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, api, status=404, code=NotFound.code, detail=_("Not found in your units."))

    @api.exception_handler(Http404)
    def http_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, api, status=404, code=NotFound.code, detail=_("Not found."))

    @api.exception_handler(OverflowError)
    def out_of_range_sqlite(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        return problem(request, api, status=422, code="invalid", detail=str(OUT_OF_RANGE))

    @api.exception_handler(DataError)
    def out_of_range(request: HttpRequest, exc: DataError) -> HttpResponse:
        return problem(request, api, status=422, code="invalid", detail=str(OUT_OF_RANGE))

    @api.exception_handler(DjangoValidationError)
    def model_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem(request, api, status=422, code="invalid", detail="; ".join(exc.messages))

    @api.exception_handler(NinjaValidationError)
    def request_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                  for e in exc.errors]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
        return problem(request, api, status=422, code="invalid", detail=detail, errors=errors)

    @api.exception_handler(AuthenticationError)
    def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, api, status=401, code="not_authenticated",
                       detail=_("Sign in, or send `Authorization: Bearer <token>`."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "bad_request" if exc.status_code == 400 else "http_error"  # 400: the body is not JSON
        return problem(request, api, status=exc.status_code, code=code, detail=str(exc))
