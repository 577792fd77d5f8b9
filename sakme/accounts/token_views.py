"""The "API tokens" page: one's own tokens (never their secrets), making one (its secret shown once, on the answer to
the form, and kept nowhere) and revoking one. Thin: parse, call `sakme.accounts.tokens`, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sakme.accounts import tokens
from sakme.accounts.actors import AuthedRequest
from sakme.accounts.forms import ApiTokenForm
from sakme.accounts.middleware import otp_required
from sakme.common.errors import DomainError
from sakme.common.pages import perform, refuse_form, render_form


@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    """List one's tokens; a POST makes one and shows its secret on this answer only."""
    form = ApiTokenForm(request.POST or None, initial={"days": tokens.default_days()})
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.api_token_create(
                actor=request.user, user_id=request.user.pk, name=form.cleaned_data["name"],
                days=form.cleaned_data["days"], verified=getattr(request.user, "is_verified", lambda: False)(),
            )
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            form = ApiTokenForm(initial={"days": tokens.default_days()})
    context = {
        "form": form, "issued": issued, "tokens": list(tokens.api_tokens_of(request.user)[:200]),
        "max_days": tokens.max_days(), "short_lived": otp_required(request.user),
        "short_hours": int(tokens.second_factor_lifetime().total_seconds() // 3600),
    }
    response = render_form(request, "accounts/tokens.html", context, form=form)
    response["Cache-Control"] = "no-store"  # the page may carry a secret
    return response


@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    """Revoke one of one's tokens, back to the list."""
    return perform(request, lambda: tokens.api_token_revoke(actor=request.user, token_id=token_id),
                   success=lambda t: _("The token “%(name)s” is revoked.") % {"name": t.name}, to="accounts:tokens")
