"""The paper survey typed in (its questions from the version in force, in the page's language with the other beside
them), and the results' filters. The answers are checked by the service, so that the page and the API refuse alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from sakme.common.forms import DateInput
from sakme.common.languages import in_english
from sakme.surveys.models import QuestionKind, Service, SurveyVersion
from sakme.surveys.questions import NO, YES, choice_text, question_text


def _today() -> object:
    return timezone.localdate()


class QuestionField(forms.CharField):
    """A question's answer as posted; whether it is a valid one is the service's to say (with its code)."""

    widget = forms.RadioSelect

    def __init__(self, *, question: dict[str, Any], number: int, **kwargs: Any) -> None:
        super().__init__(required=False, label=f"{number}. {question_text(question)}", **kwargs)
        self.question = question
        self.other_text = question["text_ka"] if in_english() else question["text_en"]
        self.other_language = "ka" if in_english() else "en"
        choices: list[tuple[str, Any]]
        if question["kind"] == QuestionKind.SCALE:
            choices = [(str(n), str(n)) for n in range(1, 6)]
        elif question["kind"] == QuestionKind.YES_NO:
            choices = [(YES, _("yes")), (NO, _("no"))]
        else:
            choices = [(c["code"], choice_text(c)) for c in question["choices"]]
        self.widget.choices = choices  # type: ignore[attr-defined]


class ResponseForm(forms.Form):
    answered_on = forms.DateField(label=_("Answered on"), initial=_today, widget=DateInput)
    consent_to_comment = forms.BooleanField(label=_("The person agrees that their comment is kept"), required=False)
    comment = forms.CharField(label=_("Comment (only with the person's consent)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, survey: SurveyVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions: list[dict[str, Any]] = survey.questions if survey is not None else []
        for number, question in enumerate(self.questions, 1):
            self.fields[f"q_{question['code']}"] = QuestionField(question=question, number=number)

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q['code']}"] for q in self.questions]

    def answers(self) -> dict[str, Any]:
        return {q["code"]: self.cleaned_data.get(f"q_{q['code']}") or None for q in self.questions}


class ResultsFilter(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False)
    month = forms.TypedChoiceField(label=_("Month"), required=False, coerce=int, empty_value=None, choices=[
        ("", _("the whole year")), *[(str(m), name) for m, name in MONTHS.items()]])
    unit = forms.ChoiceField(label=_("Territorial unit"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False,
                                choices=[("", _("every service")), *Service.choices])

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("all your units")), *units]  # type: ignore[attr-defined]
