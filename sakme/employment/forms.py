from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.common.forms import DateInput
from sakme.employment.models import Education, Occupation, Sector
from sakme.geo.models import Municipality


class EmployerForm(forms.Form):
    tax_id = forms.RegexField(label=_("Tax identification number"), regex=r"^\d{9}(\d{2})?$",
                              error_messages={"invalid": _("9 digits (or 11 for a person)")})
    name = forms.CharField(label=_("Name"), max_length=300)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)


class VacancyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    occupation = forms.ModelChoiceField(label=_("Occupation (ISCO-08)"),
                                        queryset=Occupation.objects.filter(level=4).order_by("code"))
    municipality = forms.ModelChoiceField(label=_("Place of work"), queryset=Municipality.objects.order_by("name_en"))
    positions = forms.IntegerField(label=_("Positions"), min_value=1, initial=1)
    wage_gel = forms.DecimalField(label=_("Monthly wage (GEL)"), required=False, max_digits=9, decimal_places=2)
    required_education = forms.ChoiceField(label=_("Required education"), choices=[("", "—"), *Education.choices],
                                           required=False)
    required_skills = forms.CharField(label=_("Required skills"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opened_on = forms.DateField(label=_("Opened on"), initial=timezone.localdate, widget=DateInput)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DateInput)
