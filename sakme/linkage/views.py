"""Pages of linkage: the clerical review (queue, pair, decision) and the runs. Thin: parse, call one service or
getter, render; a refusal travels up to the error page (`sakme.common.middleware`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.audit.models import AccessKind
from sakme.common.errors import ConcurrentEdit, DomainError
from sakme.common.pages import refuse_form, render_form, say_refusal
from sakme.geo.access import requires
from sakme.linkage import conf, selectors, services
from sakme.linkage.forms import DecisionForm, RunForm
from sakme.linkage.models import CandidatePair


@requires(Capability.LINKAGE_REVIEW)
@vary_on_headers("HX-Request")
def queue(request: AuthedRequest) -> HttpResponse:
    """Pairs waiting for a steward, the most valuable decision first, with the figures the labels give."""
    page = selectors.review_queue_for_user(request.user, kind=AccessKind.SEARCH, context=request.path)
    return render(request, "linkage/queue.html", {
        "pairs": page.pairs, "counts": selectors.pair_counts(), "labels": selectors.labels_figures(),
        "upper": conf.upper_threshold(), "lower": conf.lower_threshold(),
    })


@requires(Capability.LINKAGE_REVIEW)
def pair_next(request: AuthedRequest) -> HttpResponse:
    """The first pair of the queue."""
    pair_id = selectors.next_pair_id_for_user(request.user)
    if pair_id is None:
        messages.info(request, _("No pair is waiting for review."))
        return redirect("linkage:queue")
    return redirect("linkage:pair", pair_id=pair_id)


def _pair_context(request: AuthedRequest, pair: CandidatePair | None) -> dict[str, Any]:
    if pair is None:
        return {"pair": None}
    return {"pair": pair, "evidence": selectors.pair_evidence(pair), "prior_weight": selectors.prior_weight(pair),
            "form": DecisionForm(initial={"seen": pair.decision}), "upper": conf.upper_threshold()}


@requires(Capability.LINKAGE_REVIEW)
@vary_on_headers("HX-Request")
def pair_detail(request: AuthedRequest, pair_id: int) -> HttpResponse:
    """Two records side by side: what agrees, what does not, and how much each comparison weighs."""
    pair = selectors.pair_get_for_user(request.user, pair_id, context=request.path)
    template = "linkage/pair.html#pair" if request.htmx else "linkage/pair.html"
    return render(request, template, _pair_context(request, pair))


@requires(Capability.LINKAGE_REVIEW)
@require_POST
def pair_decide(request: AuthedRequest, pair_id: int) -> HttpResponse:
    """Record the decision, then show the next pair of the queue (htmx swaps it in place)."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose same person, different persons or unsure."))
    seen = form.cleaned_data["seen"] if "seen" in request.POST else None
    try:
        pair = services.pair_decide(actor=request.user, pair_id=pair_id, decision=form.cleaned_data["decision"],
                                    seen_decision=seen)
    except ConcurrentEdit as exc:  # the pair as it is now, with what happened
        say_refusal(request, exc)
        return redirect("linkage:pair", pair_id=pair_id)
    following_id = selectors.next_pair_id_for_user(request.user, after=pair.pk)
    if not request.htmx:
        messages.info(request, _("Decision saved: %(d)s.") % {"d": pair.get_decision_display()})
        settled = pair.persons  # type: ignore[attr-defined]  # what became of its persons (htmx: beside "Saved")
        if settled.refused is not None:  # the decision stands; why its persons stay two is said
            say_refusal(request, settled.refused)
        elif settled.merge is not None:
            messages.success(request, _("Person %(m)s was merged into person %(s)s.")
                             % {"m": settled.merge.merged_id, "s": settled.merge.survivor_id})
        return redirect("linkage:pair", pair_id=following_id) if following_id else redirect("linkage:queue")
    following = (selectors.pair_get_for_user(request.user, following_id, context=request.path)
                 if following_id else None)
    response = render(request, "linkage/pair.html#pair", {**_pair_context(request, following), "decided": pair})
    response["HX-Push-Url"] = (reverse("linkage:pair", kwargs={"pair_id": following_id}) if following_id
                               else reverse("linkage:queue"))
    return response


@requires(Capability.LINKAGE_RUN)
@require_http_methods(["GET", "POST"])
def runs(request: AuthedRequest) -> HttpResponse:
    """Start a linkage run (a background task) and follow the latest ones and the models they trained."""
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = form.cleaned_data["batch"]
        try:
            run = services.link_run_start(actor=request.user, kind=form.cleaned_data["kind"],
                                          sources=[s.code for s in form.cleaned_data["sources"]],
                                          retrain=form.cleaned_data["retrain"], batch_id=batch.pk if batch else None)
        except DomainError as exc:  # sources or a batch the service refuses: said on the form
            refuse_form(form, exc)
        else:
            messages.info(request, _("The run is queued."))
            return redirect("linkage:run", run_id=run.pk)
    latest = services.link_runs_list(actor=request.user).order_by("-pk")[:30]
    context = {"form": form, "runs": latest, "models": selectors.models()}
    return render_form(request, "linkage/runs.html", context, form=form)


@requires(Capability.LINKAGE_RUN)
@vary_on_headers("HX-Request")
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    """A run's progress (polled while it runs), counts, timings, and figures."""
    run = services.link_run_get(actor=request.user, run_id=run_id)
    template = "linkage/run.html#status" if request.htmx else "linkage/run.html"
    return render(request, template, {"run": run, "report": selectors.run_report(run)})
