"""Forms of social assistance: the declaration (its questions are the formula's variables, so a new version of the
formula asks its own) and the fields a step may carry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.accounts.models import User
from sakme.accounts.roles import Role
from sakme.assistance.models import Formula, RefusalReason
from sakme.assistance.selectors import variable_label
from sakme.common.forms import DateInput
from sakme.common.languages import in_language


def _today() -> object:
    return timezone.localdate()


def _question(variable: dict[str, Any], initial: Any) -> forms.Field:
    label = variable_label(variable)
    kind = variable["kind"]
    if kind == "yes_no":
        return forms.BooleanField(label=label, required=False, initial=bool(initial))
    if kind == "choice":
        return forms.ChoiceField(label=label, initial=initial, choices=[
            (c["code"], in_language(c["label_ka"], c["label_en"])) for c in variable["choices"]])
    if kind == "count":
        return forms.IntegerField(label=label, min_value=0, initial=initial if initial is not None else 0)
    return forms.DecimalField(label=label, min_value=Decimal(0), decimal_places=2,
                              initial=initial if initial is not None else 0)


class AnswersForm(forms.Form):
    """The formula's questions, pre-filled with earlier answers (the declaration's, at the visit)."""

    def __init__(self, *args: Any, formula: Formula, initial_answers: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.formula = formula
        for variable in formula.variables:
            self.fields[f"q_{variable['code']}"] = _question(variable, (initial_answers or {}).get(variable["code"]))

    def answers(self) -> dict[str, Any]:
        """The answers by variable code, as the service takes them."""
        return {v["code"]: self.cleaned_data[f"q_{v['code']}"] for v in self.formula.variables}


class DeclarationForm(AnswersForm):
    declared_on = forms.DateField(label=_("Declared on"), initial=_today, widget=DateInput)

    field_order = ["declared_on"]


class StepForm(forms.Form):
    """What a step of the workflow may carry; each action reads what it needs (the service says what is missing)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("On"), initial=_today, widget=DateInput, required=False)
    visit_on = forms.DateField(label=_("Day of the visit"), widget=DateInput, required=False)
    agent = forms.ModelChoiceField(label=_("Social agent"), queryset=User.objects.none(), required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RefusalReason.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, unit_id: int | None = None, **kwargs: Any) -> None:
        """`unit_id`: offer that unit's social agents (a posted form takes any; the service checks the unit)."""
        super().__init__(*args, **kwargs)
        agents = User.objects.filter(role=Role.SOCIAL_AGENT, is_active=True)
        if unit_id is not None:
            agents = agents.filter(posts__unit_id=unit_id)
        self.fields["agent"].queryset = agents.order_by("last_name", "pk")  # type: ignore[attr-defined]
