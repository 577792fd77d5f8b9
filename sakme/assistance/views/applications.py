"""Pages of social assistance: the applications of the user's units, a declaration, an application with its steps and
its score explained, a step taken, the late applications, and the rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.assistance import selectors
from sakme.assistance.access import application_get_for_user, applications_for_user
from sakme.assistance.forms import AnswersForm, DeclarationForm, StepForm
from sakme.assistance.formula import formula_on
from sakme.assistance.models import BenefitRules, Formula, State
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.assistance.workflow import TRANSITIONS
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError, NotFound
from sakme.common.pages import perform, refusal_of, refuse_form, render_form, say_refusal
from sakme.geo.access import requires, unit_id_of_code
from sakme.registry.access import person_get_for_user

# The fields each step's form shows (the service decides what each needs and says what is missing).
STEP_FIELDS = {
    "schedule_visit": ("on", "visit_on", "agent"), "record_visit": ("on",), "compute_score": (),
    "decide": ("on",), "refuse": ("on", "reason", "note"), "record_payment": ("on",), "appeal": ("on", "note"),
    "withdraw": ("note",),
}
PAGE_SIZE = 100


@require_GET
@requires(Capability.APPLICATION_VIEW)
def application_list(request: AuthedRequest) -> HttpResponse:
    """The applications of the user's units, the longest waiting first; social agents see their visits first."""
    state = request.GET.get("state", "")
    if state and state not in State.values:
        state = ""
    found = selectors.application_list(applications_for_user(request.user), state=state)
    if request.GET.get("mine") and request.user.can(Capability.HOME_VISIT):
        found = found.filter(agent_id=request.user.pk)
    shown = list(found[:PAGE_SIZE])
    audit.record_access(actor=request.user, kind=AccessKind.LISTED, context=request.path,
                        person_ids=selectors.listed_person_ids(shown))
    return render(request, "assistance/list.html", {
        "applications": shown, "total": found.count(), "state": state, "mine": bool(request.GET.get("mine")),
        "filters": [("", _("all states")), *State.choices], "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@requires(Capability.APPLICATION_WORK)
def declare(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A household applies through one of its members: the declaration's answers, typed in at the unit."""
    person = person_get_for_user(request.user, person_id, context=request.path)
    formula = formula_on(timezone.localdate())
    if formula is None:
        raise NotFound(_("No rating-score formula is in force: load the rules first."))
    form = DeclarationForm(request.POST or None, formula=formula)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_declare(actor=request.user, person_id=person.pk, declaration=form.answers(),
                                              declared_on=form.cleaned_data["declared_on"], context=request.path)
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("Application recorded."))
            return redirect("assistance:application", application_id=application.pk)
    return render_form(request, "assistance/declare.html", {"form": form, "person": person, "formula": formula},
                       form=form)


@require_GET
@requires(Capability.APPLICATION_VIEW)
def application(request: AuthedRequest, application_id: int) -> HttpResponse:
    """One application: where it stands, its steps, the answers, the score line by line, and the next steps."""
    found = application_get_for_user(request.user, application_id, context=request.path)
    today = timezone.localdate()
    page = selectors.application_page(application=found, user=request.user, today=today)
    forms = []
    for transition in page.actions:
        form = StepForm(initial={"version": found.version}, unit_id=found.unit_id, prefix=transition.action)
        answers = None
        if transition.action == "record_visit":
            formula = formula_on(today)
            answers = AnswersForm(formula=formula, initial_answers=found.answers or found.declaration,
                                  prefix=transition.action) if formula else None
        forms.append({"transition": transition, "form": form, "answers": answers,
                      "fields": [form[name] for name in STEP_FIELDS[transition.action]]})
    return render(request, "assistance/application.html", {"page": page, "a": found, "step_forms": forms})


@require_POST
@requires(Capability.APPLICATION_WORK, Capability.HOME_VISIT)
def act(request: AuthedRequest, application_id: int, action: str) -> HttpResponse:
    """Take one step of the workflow on an application."""
    to = reverse("assistance:application", kwargs={"application_id": application_id})
    if action not in TRANSITIONS:
        raise NotFound(_("No such step."))
    form = StepForm(request.POST, prefix=action)
    if not form.is_valid():
        say_refusal(request, refusal_of(form))
        return redirect(to)
    data = form.cleaned_data
    answers: dict[str, object] = {}
    if action == "record_visit":
        formula = formula_on(data["on"] or timezone.localdate())
        answers_form = AnswersForm(request.POST, formula=formula, prefix=action) if formula else None
        if answers_form is not None and not answers_form.is_valid():
            say_refusal(request, refusal_of(answers_form))
            return redirect(to)
        answers = answers_form.answers() if answers_form else {}
    details = Details(on=data["on"], visit_on=data["visit_on"], agent_id=data["agent"].pk if data["agent"] else None,
                      answers=answers, reason=data["reason"], note=data["note"])
    return perform(request, lambda: application_act(actor=request.user, application_id=application_id, action=action,
                                                    expected_version=data["version"], details=details),
                   success=_("Done: %(step)s.") % {"step": TRANSITIONS[action].label}, to=to)


@require_GET
@requires(Capability.CASELOAD_SUPERVISE)
def late(request: AuthedRequest) -> HttpResponse:
    """Applications whose step is past its service level, in the user's units."""
    unit = request.GET.get("unit", "")
    found = selectors.late_applications_for_user(request.user, today=timezone.localdate(),
                                                 unit_id=unit_id_of_code(unit) if unit else None)
    audit.record_access(actor=request.user, kind=AccessKind.LISTED, context=request.path,
                        person_ids=selectors.listed_person_ids([late.application for late in found]))
    return render(request, "assistance/late.html", {"late": found, "levels": selectors.service_levels()})


@require_GET
@requires(Capability.FORMULA_VIEW)
def rules(request: AuthedRequest) -> HttpResponse:
    """The rating-score formula's versions and the benefit rules: what a score and a decision are made of."""
    formulas = list(Formula.objects.order_by("-valid_from"))
    for f in formulas:
        f.rows = [(selectors.variable_label(v), v) for v in f.variables]  # type: ignore[attr-defined]
    return render(request, "assistance/rules.html", {
        "formulas": formulas, "benefit_rules": list(BenefitRules.objects.order_by("-valid_from")),
        "levels": selectors.service_levels()})
