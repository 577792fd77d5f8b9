from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.casework.models import Case, CounsellingSession, Outcome, Placement, PlanAction, Referral
from sakme.common.forms import DateInput
from sakme.employment.forms import OccupationCodesField
from sakme.employment.models import Availability, Education, TrainingProgramme, Vacancy


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


class PlanActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)
    responsible = forms.ChoiceField(label=_("Responsible"), choices=PlanAction.Responsible.choices)


PlanActionFormSet = forms.formset_factory(PlanActionForm, extra=3, max_num=10)


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Refer"), choices=Referral.Kind.choices)
    vacancy = forms.ModelChoiceField(label=_("Vacancy"), required=False, queryset=Vacancy.objects.none())
    programme = forms.ModelChoiceField(label=_("Training programme"), required=False,
                                       queryset=TrainingProgramme.objects.filter(is_active=True))
    service = forms.CharField(label=_("Other service"), required=False, max_length=200)
    referred_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    consent = forms.BooleanField(label=_("The job seeker agrees that their details go to the employer"),
                                 required=False)

    def __init__(self, *args: object, unit_id: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        vacancies = Vacancy.objects.filter(status=Vacancy.Status.OPEN).select_related("employer")
        self.fields["vacancy"].queryset = vacancies.filter(unit_id=unit_id) if unit_id else vacancies  # type: ignore[attr-defined]


class ReferralDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Referral.Status.choices if c[0] != "pending"])
    decided_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementForm(forms.Form):
    vacancy = forms.ModelChoiceField(label=_("Vacancy"), required=False, queryset=Vacancy.objects.none())
    started_on = forms.DateField(label=_("Start date"), initial=_today, widget=DateInput)
    wage_gel = forms.DecimalField(label=_("Monthly wage (GEL)"), required=False, max_digits=9, decimal_places=2)
    contract = forms.ChoiceField(label=_("Contract"), choices=Placement.Contract.choices)

    def __init__(self, *args: object, unit_id: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        vacancies = Vacancy.objects.select_related("employer")
        # On the case page: the unit's open vacancies; when posted, any vacancy the service will check.
        self.fields["vacancy"].queryset = (  # type: ignore[attr-defined]
            vacancies.filter(unit_id=unit_id, status=Vacancy.Status.OPEN) if unit_id else vacancies)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    still_in_work_or_training = forms.TypedChoiceField(
        label=_("Still employed or in training?"), choices=[("1", _("yes")), ("0", _("no"))],
        coerce=lambda v: v == "1")
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—"), *[c for c in Outcome.choices if c[0] != "transferred"]])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class GroupSessionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300)
    held_on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    invited = forms.ModelMultipleChoiceField(label=_("Invited"), queryset=Case.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    attended = forms.ModelMultipleChoiceField(label=_("Attended"), queryset=Case.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, cases: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("invited", "attended"):
            self.fields[name].queryset = cases  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = lambda c: c.job_seeker.person.full_name  # type: ignore[attr-defined]
