"""Form pieces shared by the apps' forms."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker (ISO value), usable on phones and with the keyboard."""

    input_type = "date"
