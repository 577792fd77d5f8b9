"""The outreach pages' forms. A choice is parsed as the code or id it carries; whether it may be chosen is the
service's to decide, so that a page and its API twin refuse the same choice alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.common.forms import DateInput
from sakme.outreach.models import Channel, ContactOutcome, ReferralKind
from sakme.outreach.policy import CAMPAIGN_MAX, CAMPAIGN_SIZE


def _today() -> object:
    return timezone.localdate()


class CodeChoiceField(forms.CharField):
    """A code chosen from a list (a select), parsed as text."""

    widget = forms.Select

    def __init__(self, *, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.choices = list(choices)  # type: ignore[attr-defined]


class IdChoiceField(forms.IntegerField):
    """A record chosen from a list by its id."""

    widget = forms.Select

    def __init__(self, *, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)
        self.widget.choices = list(choices)  # type: ignore[attr-defined]


class ListForm(forms.Form):
    """Whose list, on which day, which page (GET: what does not parse is left out)."""

    unit = forms.CharField(required=False, max_length=16)
    municipality = forms.CharField(required=False, max_length=40)
    as_of = forms.DateField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name of the campaign"), max_length=200)
    unit = IdChoiceField(label=_("Territorial unit"))
    size = forms.IntegerField(label=_("Persons to take from the top of the list"), initial=CAMPAIGN_SIZE, min_value=1,
                              max_value=CAMPAIGN_MAX)
    taken_on = forms.DateField(label=_("The list as it stands on"), required=False, initial=_today, widget=DateInput)

    def __init__(self, *args: Any, units: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = list(units)


class ContactForm(forms.Form):
    entry = IdChoiceField(label=_("Person"))
    channel = CodeChoiceField(label=_("How"), choices=Channel.choices)
    on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    outcome = CodeChoiceField(label=_("What came of it"), choices=ContactOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, entries: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore
        super().__init__(*args, **kwargs)
        self.fields["entry"].widget.choices = list(entries)


class ReferralForm(forms.Form):
    entry = IdChoiceField(label=_("Person"))
    kind = CodeChoiceField(label=_("Refer to"), choices=ReferralKind.choices)
    appointment_on = forms.DateField(label=_("Appointment at the unit on"), required=False, widget=DateInput)
    to_unit = IdChoiceField(label=_("At the unit"), required=False)

    def __init__(self, *args: Any, entries: list[tuple[int, str]] = (), units: list[tuple[int, str]] = (),  # type: ignore
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].widget.choices = list(entries)
        self.fields["to_unit"].widget.choices = list(units)
