"""Transfer of a case to another territorial unit (when the job seeker moves): the case here closes as
"transferred", the receiving unit continues it from the same state, and the job seeker's profile goes with it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sakme.casework import services
from sakme.casework.models import Case
from sakme.casework.requests import case_of_request
from sakme.casework.workflow import OPEN_STATES
from sakme.common.errors import DomainError, PermissionDenied
from sakme.geo.models import TerritorialUnit


def unit_choices(*, exclude: int | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The working units grouped by region, in the active language (one query)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    units = TerritorialUnit.objects.filter(is_active=True)
    if exclude is not None:
        units = units.exclude(pk=exclude)
    for unit in units.select_related("region").order_by("region__code", "code"):
        groups.setdefault(unit.region.name, []).append((unit.pk, f"{unit.name} ({unit.code})"))
    return list(groups.items())


class TransferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_unit = forms.TypedChoiceField(label=gettext_lazy("Receiving unit"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("e.g. moved to Batumi; the receiving unit reads this."))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].choices = [("", "—"), *unit_choices(exclude=case.unit_id)]  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def case_transfer(request: HttpRequest, case_id: int) -> HttpResponse:
    """Choose the receiving unit and say why; the service checks the role, the unit, the version and the state."""
    case = case_of_request(request, case_id)
    if case.state not in OPEN_STATES:
        messages.error(request, _("Only an open case can be transferred."))
        return redirect("casework:case", case_id=case.pk)
    form = TransferForm(request.POST or None, case=case, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        to_unit = TerritorialUnit.objects.get(pk=form.cleaned_data["to_unit"])
        try:
            services.case_transfer(actor=request.user, case_id=case.pk, to_unit=to_unit,
                                   reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"])
        except (DomainError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The case is now with %(unit)s; here it is closed as transferred.")
                             % {"unit": to_unit.name})
            return redirect("casework:case", case_id=case.pk)
    return render(request, "casework/transfer.html", {"case": case, "form": form})
