from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label=_("Code from the authenticator app"), required=False, max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class TokenForm(forms.Form):
    otp_token = forms.CharField(label=_("Code from the authenticator app"), max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                              "autofocus": True}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What will use the token: a script, a report, a colleague's tool."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, required=False)
