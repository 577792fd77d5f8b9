"""What a page does after it parsed a form: call one service and say how it went.

A refusal of the rules (422 or 409 in the API) is said on the page the user came from, with its code in the
message's tags; a refusal of permission or an unknown record travels on to the error page (403, 404), as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sakme.common.errors import DomainError, NotFound, PermissionDenied


def refusal_of(form: Any) -> DomainError:
    """A form that does not parse, as the refusal the API gives for a body that does not (code `invalid`)."""
    labels = {name: field.label for name, field in form.fields.items()}
    detail = "; ".join(f"{labels.get(f) or ''} {' '.join(e)}".strip() for f, e in form.errors.items())
    return DomainError(detail or _("Check the form."), code="invalid")


def say_refusal(request: HttpRequest, error: DomainError) -> None:
    """Put a refusal on the next page shown, with its code (the same as the API's)."""
    messages.error(request, error.message, extra_tags=error.code)


Success = str | Callable[[Any], str]  # what to say when done; a callable is given what the service returned


def perform(request: HttpRequest, call: Callable[[], object], *, success: Success, to: str) -> HttpResponse:
    """Call the service, then go to `to` saying it is done, or why not."""
    try:
        done = call()
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        say_refusal(request, exc)
    else:
        messages.success(request, success(done) if callable(success) else success)
    return redirect(to)


def post_form(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], object], *, success: Success,
              to: str) -> HttpResponse:
    """A POSTed form for one service: refused as `invalid` when it does not parse, else `perform`."""
    if not form.is_valid():
        say_refusal(request, refusal_of(form))
        return redirect(to)
    return perform(request, lambda: call(form.cleaned_data), success=success, to=to)


def refuse_form(form: Any, error: DomainError) -> None:
    """Show a rule's refusal above the form it answers (permission and unknown records go to the error page)."""
    if isinstance(error, PermissionDenied | NotFound):
        raise error
    form.add_error(None, error.message)
    form.refusal = error


def render_form(request: HttpRequest, template: str, context: dict[str, Any], *, form: Any) -> HttpResponse:
    """A page with a form; when the service refused it, with the refusal's status and code (as the API gives)."""
    refusal: DomainError | None = getattr(form, "refusal", None)
    response = render(request, template, context, status=refusal.status if refusal else 200)
    if refusal is not None:
        response["X-Error-Code"] = refusal.code
    return response
