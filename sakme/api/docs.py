"""The API's documentation page: Swagger UI served from `static/vendor/`, never from a CDN.

django-ninja's own page loads Swagger UI from a CDN with an inline script; the content security policy refuses
both (and offline units have no CDN). This page loads the vendored bundle and an initialiser in a static file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from ninja.openapi.docs import DocsBase

from sakme.accounts.middleware import otp_required

if TYPE_CHECKING:
    from ninja import NinjaAPI


class SwaggerDocs(DocsBase):
    """Swagger UI for signed-in users (the API itself answers 401 to anyone else)."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # /api/ is outside RequireLoginMiddleware (it answers 401, not a redirect), so the page checks here,
        # with the same rule as every other page.
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if otp_required(user) and not getattr(user, "is_verified", lambda: False)():
            return redirect("accounts:otp_setup")
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # the default badge asks validator.swagger.io: no network, and the CSP says no
        }
        return render(request, self.template, {"api": api, "swagger_settings": settings})
