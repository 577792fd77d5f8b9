"""The API's documentation page and its OpenAPI document, for signed-in users only.

django-ninja's own page loads Swagger UI from a CDN with an inline script; the content security policy refuses
both (and offline units have no CDN). This page loads the vendored bundle and an initialiser in a static file.

The document describes every route and its fields: nothing personal, but a map of the system that an anonymous
caller has no need of. `signed_in` guards both (ninja's `docs_decorator`): a user signed in (past the second factor
where the role must use one, as for the rest of the API) or a bearer token; otherwise the page sends the browser to
the sign-in page and the document answers 401 `not_authenticated`, as every other API route does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from ninja.openapi.docs import DocsBase

from sakme.accounts.middleware import otp_required
from sakme.api.auth import TokenAuth

if TYPE_CHECKING:
    from ninja import NinjaAPI


def _session_ok(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (not otp_required(user) or getattr(user, "is_verified", lambda: False)())


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs page and the OpenAPI document for a signed-in user or a bearer token only (module docstring)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _session_ok(request) or TokenAuth()(request) is not None:
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-json":
            body = {"type": "urn:sakme:problem:not_authenticated", "title": _("Not signed in"), "status": 401,
                    "code": "not_authenticated", "detail": _("Sign in, or send `Authorization: Bearer <token>`."),
                    "errors": []}
            return HttpResponse(json.dumps(body), status=401, content_type="application/json")
        if request.user.is_authenticated:
            return redirect("accounts:otp_setup")  # signed in, second factor still owed
        return redirect_to_login(request.get_full_path())

    return guarded


class SwaggerDocs(DocsBase):
    """Swagger UI (served through `signed_in`)."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # the default badge asks validator.swagger.io: no network, and the CSP says no
        }
        return render(request, self.template, {"api": api, "swagger_settings": settings})
