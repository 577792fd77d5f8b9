"""One's own API tokens, over the same services as the "API tokens" page: list, make (the secret comes back once)
and revoke. Making one takes a signed-in session (a bearer token cannot make another), past the second factor for the
roles that must use one."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Router

from sakme.accounts import tokens
from sakme.accounts.actors import AuthedRequest
from sakme.accounts.models import ApiToken
from sakme.api.errors import ERRORS
from sakme.api.schemas.tokens import TokenCreated, TokenIn, TokenOut

router = Router(tags=["tokens"])


def token_out(t: ApiToken) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "created_at": t.created_at, "last_used_at": t.last_used_at,
            "expires_at": t.expires_at, "revoked_at": t.revoked_at, "live": t.is_live}


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
def token_list(request: AuthedRequest) -> Any:
    """The caller's own tokens, newest first, live or not."""
    return [token_out(t) for t in tokens.api_tokens_of(request.user)]


@router.post("/tokens", response={200: TokenCreated, **ERRORS})
def token_create(request: AuthedRequest, payload: TokenIn, response: HttpResponse) -> Any:
    """Make a token for the caller; its `secret` is in this answer only."""
    response["Cache-Control"] = "no-store"
    issued = tokens.api_token_create(
        actor=request.user, user_id=request.user.pk, name=payload.name, days=payload.days,
        verified=getattr(request.user, "is_verified", lambda: False)(),  # the session's second factor
        by_token=getattr(request, "api_token", None) is not None,
    )
    return {**token_out(issued.token), "secret": issued.secret}


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS})
def token_revoke(request: AuthedRequest, token_id: int) -> Any:
    """Revoke one of the caller's tokens: it is refused from now on (revoking it again changes nothing)."""
    return token_out(tokens.api_token_revoke(actor=request.user, token_id=token_id))
