from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.common.forms import DateInput
from sakme.employment.models import (
    DRIVING_LICENCE_CATEGORIES,
    MAX_POSITIONS,
    Availability,
    Education,
    JobSeeker,
    Occupation,
    Sector,
)
from sakme.geo.models import Municipality


class OccupationPicker(forms.Widget):
    """A searchable picker over the ISCO-08 unit groups: the chosen ones are ticked boxes (untick to remove),
    a search field finds more (by code or by a word of the Georgian or English title) and adds them."""

    template_name = "employment/widgets/occupation_picker.html"

    def __init__(self, *, multiple: bool = True, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.multiple = multiple

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else list(data.get(name) or [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # nothing ticked is an answer: no occupation

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        codes = [value] if isinstance(value, str) else list(value or [])
        codes = [getattr(c, "code", c) for c in codes]
        context["widget"]["chosen"] = list(Occupation.objects.filter(code__in=codes).order_by("code")) if codes else []
        context["widget"]["multiple"] = self.multiple
        return context


class OccupationCodesField(forms.Field):
    """ISCO-08 codes chosen with the picker (the service checks each is a 4-digit unit group)."""

    widget = OccupationPicker

    def to_python(self, value: Any) -> list[str]:
        return sorted({str(v).strip() for v in (value or []) if str(v).strip()})

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        bad = [v for v in value if not (len(v) == 4 and v.isdigit())]
        if bad:
            raise forms.ValidationError(_("Not an ISCO-08 unit group (4 digits): %(codes)s"),
                                        params={"codes": ", ".join(bad)})


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
    occupation = OccupationCodesField(label=_("Occupation (ISCO-08)"), widget=OccupationPicker(multiple=False))
    municipality = forms.ModelChoiceField(label=_("Place of work"), queryset=Municipality.objects.order_by("name_en"))
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=MAX_POSITIONS, initial=1)
    wage_gel = forms.DecimalField(label=_("Monthly wage (GEL)"), required=False, max_digits=9, decimal_places=2)
    required_education = forms.ChoiceField(label=_("Required education"), choices=[("", "—"), *Education.choices],
                                           required=False)
    required_skills = forms.CharField(label=_("Required skills"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opened_on = forms.DateField(label=_("Opened on"), initial=timezone.localdate, widget=DateInput)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DateInput)

    def clean_occupation(self) -> Occupation:
        """The one ISCO-08 unit group chosen with the picker."""
        codes = self.cleaned_data["occupation"] or []
        found = list(Occupation.objects.filter(code__in=codes, level=4)) if len(codes) == 1 else []
        if not found:
            raise forms.ValidationError(_("Choose one occupation."))
        return found[0]


def _municipality_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Municipalities grouped by region, in the active language (one query)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for m in Municipality.objects.select_related("region").order_by("region__code", "name_en"):
        groups.setdefault(m.region.name, []).append((m.code, m.name))
    return list(groups.items())


class ProfileForm(forms.Form):
    """A job seeker's profile as the counsellor edits it; what the registry holds is shown, not asked."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    registered_on = forms.DateField(label=_("Registration date"), widget=DateInput)
    education = forms.ChoiceField(label=_("Education (ISCED)"), choices=[("", "—"), *Education.choices],
                                  required=False)
    occupations_sought = OccupationCodesField(label=_("Occupations sought (ISCO-08)"), required=False)
    occupations_held = OccupationCodesField(label=_("Occupations held (ISCO-08)"), required=False)
    skills = forms.CharField(label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200,
                                help_text=_("With the level, e.g. Georgian (native), Russian (B1), English (A2)."))
    driving_licence = forms.MultipleChoiceField(label=_("Driving licence categories"), required=False,
                                                choices=[(c, c) for c in DRIVING_LICENCE_CATEGORIES],
                                                widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}))
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    preferred_municipalities = forms.MultipleChoiceField(label=_("Preferred places of work"), required=False,
                                                         widget=forms.CheckboxSelectMultiple)
    accommodations = forms.CharField(label=_("Accommodations needed at work"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("What the workplace should offer, e.g. step-free access, "
                                                 "a screen reader, shorter shifts."))
    consent_data_processing_on = forms.DateField(label=_("Agreed to the processing of their data on"),
                                                 required=False, widget=DateInput)
    consent_share_with_employers_on = forms.DateField(label=_("Agreed that employers may see the profile on"),
                                                      required=False, widget=DateInput,
                                                      help_text=_("Empty: not agreed, or withdrawn."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_municipalities"].choices = _municipality_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(seeker: JobSeeker) -> dict[str, Any]:
        """The form's values for a job seeker as saved (occupations and municipalities prefetched)."""
        return {
            "version": seeker.version, "registered_on": seeker.registered_on, "education": seeker.education,
            "occupations_sought": [o.code for o in seeker.occupations_sought.all()],
            "occupations_held": [o.code for o in seeker.occupations_held.all()],
            "skills": seeker.skills, "languages": seeker.languages,
            "driving_licence": seeker.driving_licence_categories, "availability": seeker.availability,
            "preferred_municipalities": [m.code for m in seeker.preferred_municipalities.all()],
            "accommodations": seeker.accommodations,
            "consent_data_processing_on": seeker.consent_data_processing_on,
            "consent_share_with_employers_on": seeker.consent_share_with_employers_on,
        }


class WorkHistoryForm(forms.Form):
    occupation = OccupationCodesField(label=_("Occupation (ISCO-08)"), widget=OccupationPicker(multiple=False))
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=200)
    employer_name = forms.CharField(label=_("Employer"), required=False, max_length=200)
    started_on = forms.DateField(label=_("From"), required=False, widget=DateInput)
    ended_on = forms.DateField(label=_("To"), required=False, widget=DateInput,
                               help_text=_("Empty while the job goes on."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_occupation(self) -> str:
        codes = self.cleaned_data["occupation"]
        if len(codes) != 1:
            raise forms.ValidationError(_("Choose one occupation."))
        return str(codes[0])
