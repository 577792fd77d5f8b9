from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts import services
from sakme.accounts.forms import LoginForm, TokenForm
from sakme.accounts.middleware import otp_required


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with a password and, when the user has set up an authenticator app, its current code.

    A wrong password and a right password with a wrong or missing code get the same answer, and both count towards
    the lockout: the page must not tell someone guessing passwords that they found one (nor whether the user has
    a second factor), and the code must not be guessed without limit once the password is known.
    """
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        device = None
        if user is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            device = match_token(user, form.cleaned_data["otp_token"] or "")
            if device is None:
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
                user = None
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None:
            form.add_error(None, _("The user name, the password or the code from the authenticator app is wrong."))
        else:
            login(request, user)
            if device is not None:
                otp_login(request, device)
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown after too many failed sign-ins for this user name from this address; `Retry-After` says when the
    lockout ends (the whole cool-off: each failure during a lockout starts it again)."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(request, "accounts/locked_out.html", {"minutes": max(1, -(-seconds // 60))}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or, when one exists, enter) the TOTP second factor."""
    user: Any = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = TokenForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if confirmed.verify_token(form.cleaned_data["otp_token"]):
                otp_login(request, confirmed)
                return redirect("home")
            form.add_error("otp_token", _("That code is not valid now. Enter the current code."))
        return render(request, "accounts/otp_verify.html", {"form": form})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_start(user=user)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["otp_token"]):
            otp_login(request, device)
            return redirect("home")
        form.add_error("otp_token", _("That code is not valid now. Enter the current code."))
    svg = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr_svg": svg.getvalue().decode(), "secret": device.bin_key.hex(),
        "required": otp_required(user),
    })
