from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.casework.models import (
    Case,
    CoachingContact,
    CounsellingSession,
    Outcome,
    Placement,
    PlanAction,
    Referral,
    WorkplaceAdaptation,
)
from sakme.common.forms import DateInput
from sakme.employment.forms import OccupationCodesField
from sakme.employment.models import Availability, Education, TrainingProgramme, Vacancy
from sakme.geo.models import Municipality
from sakme.geo.selectors import unit_choices


def _today() -> object:
    return timezone.localdate()


class RegisterForm(forms.Form):
    """Registering a registry person as a job seeker: only what the registry does not already know."""

    registered_on = forms.DateField(label=_("Registration date"), initial=_today, widget=DateInput)
    education = forms.ChoiceField(label=_("Education (ISCED)"), choices=[("", "—"), *Education.choices],
                                  required=False)
    occupations = OccupationCodesField(label=_("Occupations sought (ISCO-08)"), required=False)
    skills = forms.CharField(label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200)
    driving_licence = forms.CharField(label=_("Driving licence categories"), required=False, max_length=20)
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    accommodations = forms.CharField(label=_("Accommodations needed at work"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    consent_data_processing = forms.BooleanField(label=_("Agrees to the processing of their data"), required=True)
    consent_share_with_employers = forms.BooleanField(label=_("Agrees that employers may see the profile"),
                                                      required=False)


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CounsellingSession.Kind.choices)
    held_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))
    agreed_on = forms.DateField(label=_("Agreed with the job seeker on"), required=False, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)  # the case's, as the page showed it


class PlanActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)
    responsible = forms.ChoiceField(label=_("Responsible"), choices=PlanAction.Responsible.choices)


PlanActionFormSet = forms.formset_factory(PlanActionForm, extra=3, max_num=10)


class IdChoiceField(forms.IntegerField):
    """A record chosen from a list by its id. The list is what the page offers; whether the id may be chosen is
    the service's to decide, so that the page and the API refuse the same choice alike."""

    widget = forms.Select

    def __init__(self, *, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)
        self.choices = choices

    @property
    def choices(self) -> Any:
        return self.widget.choices  # type: ignore[attr-defined]

    @choices.setter
    def choices(self, value: Any) -> None:
        self.widget.choices = [("", "—"), *value]  # type: ignore[attr-defined]


def _vacancy_choices(unit_id: int | None) -> list[tuple[int, str]]:
    vacancies = Vacancy.objects.filter(status=Vacancy.Status.OPEN, unit_id=unit_id).select_related("employer")
    return [(v.pk, str(v)) for v in vacancies.order_by("-opened_on")[:500]]


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Refer"), choices=Referral.Kind.choices)
    vacancy = IdChoiceField(label=_("Vacancy"), required=False)
    programme = IdChoiceField(label=_("Training programme"), required=False)
    service = forms.CharField(label=_("Other service"), required=False, max_length=200)
    referred_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    consent = forms.BooleanField(label=_("The job seeker agrees that their details go to the employer"),
                                 required=False)

    def __init__(self, *args: Any, unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit_id is not None:  # the choices are shown, not checked: a posted form needs none
            self.fields["vacancy"].choices = _vacancy_choices(unit_id)  # type: ignore[attr-defined]
            self.fields["programme"].choices = [  # type: ignore[attr-defined]
                (p.pk, str(p)) for p in TrainingProgramme.objects.filter(is_active=True).order_by("title")]


class ReferralDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Referral.Status.choices if c[0] != "pending"])
    decided_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementForm(forms.Form):
    vacancy = IdChoiceField(label=_("Vacancy"), required=False)
    started_on = forms.DateField(label=_("Start date"), initial=_today, widget=DateInput)
    wage_gel = forms.DecimalField(label=_("Monthly wage (GEL)"), required=False, max_digits=9, decimal_places=2)
    contract = forms.ChoiceField(label=_("Contract"), choices=Placement.Contract.choices)

    def __init__(self, *args: Any, unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit_id is not None:
            self.fields["vacancy"].choices = _vacancy_choices(unit_id)  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    still_in_work_or_training = forms.TypedChoiceField(
        label=_("Still employed or in training?"), choices=[("1", _("yes")), ("0", _("no"))],
        coerce=lambda v: v == "1")
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—"), *[c for c in Outcome.choices if c[0] != "transferred"]])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AssignForm(forms.Form):
    counsellor = forms.IntegerField(label=_("Counsellor"), min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanActionDoneForm(forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["done_on"] = (data.get("done_on") or timezone.localdate()) if data.get("done") else None
        return data


class PlanSubmission:
    """The plan form and its action rows, validated together as one form."""

    def __init__(self, data: Any = None) -> None:
        self.form, self.formset = PlanForm(data, prefix="plan"), PlanActionFormSet(data, prefix="a")
        self.errors: dict[str, Any] = {}
        self.fields = self.form.fields
        self.cleaned_data: dict[str, Any] = {}

    def is_valid(self) -> bool:
        valid = self.form.is_valid() & self.formset.is_valid()
        self.errors = dict(self.form.errors)
        for row in self.formset.errors:
            self.errors.update(row)  # type: ignore[arg-type]  # each row is an ErrorDict
        if valid:
            self.cleaned_data = {**self.form.cleaned_data, "actions": [
                a for a in self.formset.cleaned_data if a.get("description") and a.get("due_on")]}
        return valid


class TransferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_unit = forms.TypedChoiceField(label=_("Receiving unit"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("e.g. moved to Batumi; the receiving unit reads this."))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].choices = [("", "—"), *unit_choices(exclude=case.unit_id)]  # type: ignore[attr-defined]


class CandidateForm(forms.Form):
    """A job seeker of the vacancy's unit who is in services, to put on its shortlist."""

    case = IdChoiceField(label=_("Job seeker"))

    def __init__(self, *args: Any, cases: list[Case] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["case"].choices = [  # type: ignore[attr-defined]
                (c.pk, f"{c.job_seeker.person.full_name} · #{c.pk}") for c in cases]


class GroupSessionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300)
    held_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    invited = forms.ModelMultipleChoiceField(label=_("Invited"), queryset=Case.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    attended = forms.ModelMultipleChoiceField(label=_("Attended"), queryset=Case.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, cases: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("invited", "attended"):
            self.fields[name].queryset = cases  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = lambda c: c.job_seeker.person.full_name  # type: ignore[attr-defined]


class IdListField(forms.TypedMultipleChoiceField):
    """Records ticked from a list by their ids. Like IdChoiceField, whether they may be ticked is the service's
    to decide: any whole numbers parse."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isascii() and str(value).isdigit() and len(str(value)) < 19


class AttendanceForm(forms.Form):
    """Who came to a past group session, among those invited."""

    attended = IdListField(label=_("Attended"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, invited: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = invited or []  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    """The employer's decision on a candidate of a shortlist (today's)."""

    status = forms.CharField(label=_("Employer's decision"), max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProgrammeFilter(forms.Form):
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"type": "search",
                                                               "placeholder": "7212, welder, შემდუღებელი"}))
    municipality = forms.ChoiceField(label=_("Municipality of the provider"), required=False)
    intake_open = forms.BooleanField(label=_("Only with an intake taking referrals"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for m in Municipality.objects.select_related("region").order_by("region__code", "name_en"):
            groups.setdefault(m.region.name, []).append((m.code, m.name))
        self.fields["municipality"].choices = [("", _("anywhere")), *groups.items()]  # type: ignore[attr-defined]


class PathwayForm(forms.Form):
    """Starting the supported-employment pathway, or changing its job coach and the support needed."""

    job_coach = IdChoiceField(label=_("Job coach"), required=False)
    needs = forms.CharField(label=_("Support the person needs"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("e.g. written instructions, a quiet workplace, a colleague as mentor."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, coaches: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if coaches is not None:
            self.fields["job_coach"].choices = coaches  # type: ignore[attr-defined]


class AdaptationForm(forms.Form):
    description = forms.CharField(label=_("Adaptation"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=WorkplaceAdaptation.Status.choices,
                               initial=WorkplaceAdaptation.Status.PROPOSED)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CoachingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CoachingContact.Kind.choices)
    held_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1, initial=1)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
