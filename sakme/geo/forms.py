"""Forms of the activities pages. They parse; the rules (ranges, both languages, who may attend, duplicates) are the
services', so that a page and the API refuse the same input alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.common.forms import DateInput
from sakme.geo.activities import MAX_DAYS, MAX_STAFF_UNITS
from sakme.geo.models import Manual, Training


def _today() -> object:
    return timezone.localdate()


class IdSelect(forms.IntegerField):
    """A record chosen from a list by its id: the list is what the page offers, the service decides."""

    widget = forms.Select

    def __init__(self, *, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)
        self.widget.choices = [("", "—"), *choices]  # type: ignore[attr-defined]


class IdsField(forms.Field):
    """Records ticked in a list of checkboxes, by id (the service decides whether each may be chosen)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.widget.choices = choices  # type: ignore[attr-defined]

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if not all(isinstance(v, int) or (str(v).isascii() and str(v).isdigit()) for v in values):
            raise forms.ValidationError(_("Tick people from the list."), code="invalid")
        return sorted({int(v) for v in values})


class VersionField(forms.IntegerField):
    """The version of the record the page showed (none on a new one)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=0, **kwargs)


class TitlesMixin(forms.Form):
    """Both titles (the report is printed in both languages); long ones, as the report's are."""

    title_ka = forms.CharField(label=_("Title (Georgian)"), max_length=300, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


class StaffAllocationForm(forms.Form):
    unit = IdSelect(label=_("Territorial unit"))
    date = forms.DateField(label=_("Valid from"), initial=_today, widget=DateInput)
    staff_units = forms.IntegerField(label=_("Staff units on the employment component"), widget=forms.NumberInput(
        attrs={"min": 0, "max": MAX_STAFF_UNITS}), help_text=_("From 0 to %(max)s.") % {"max": MAX_STAFF_UNITS})
    reason_ka = forms.CharField(label=_("Reason (Georgian)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason_en = forms.CharField(label=_("Reason (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", "—"), *units]  # type: ignore[attr-defined]


class TrainingForm(TitlesMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=Training.Kind.choices)
    date = forms.DateField(label=_("Date"), initial=_today, widget=DateInput,
                           help_text=_("A planned one may be in the future; record who attended once it is held."))
    days = forms.IntegerField(label=_("Days"), initial=1, widget=forms.NumberInput(attrs={"min": 1, "max": MAX_DAYS}))
    attendees = IdsField(label=_("Attended"))
    version = VersionField()

    field_order = ["kind", "date", "days", "title_ka", "title_en", "attendees", "version"]

    def __init__(self, *args: Any, staff: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].widget.choices = staff  # type: ignore[attr-defined]

    def chosen(self) -> set[int]:
        """The attendees the form shows ticked (as posted, or as recorded)."""
        value = self["attendees"].value() or []
        values = value if isinstance(value, list | tuple) else [value]
        return {int(v) for v in values if str(v).isascii() and str(v).isdigit()}


class OrderForm(TitlesMixin):
    number = forms.CharField(label=_("Order number"), max_length=40, required=False,
                             help_text=_("As printed on the order, e.g. N04-2412/ო."))
    date = forms.DateField(label=_("Date of the order"), widget=DateInput)
    version = VersionField()

    field_order = ["number", "date", "title_ka", "title_en", "version"]


class ManualRowForm(TitlesMixin):
    """A manual in the form of a new order (empty rows are left out)."""

    kind = forms.ChoiceField(label=_("For"), choices=[("", "—"), *Manual.Kind.choices], required=False)

    field_order = ["kind", "title_ka", "title_en"]

    def filled(self) -> bool:
        """Whether anything was written in this row."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("kind", "title_ka", "title_en"))


class ManualForm(ManualRowForm):
    version = VersionField()  # the order's: a manual's edit moves its order on


ManualFormSet = forms.formset_factory(ManualRowForm, extra=3, max_num=10, absolute_max=10)
