"""Pages of linkage: the clerical review (queue, pair, decision) and the runs. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import ConcurrentEdit, DomainError
from sakme.linkage import conf, selectors, services
from sakme.linkage.forms import DecisionForm, RunForm
from sakme.linkage.models import CandidatePair, LinkRun
from sakme.linkage.tasks import link_run_task


def _require(request: HttpRequest, capability: Capability) -> None:
    if not request.user.can(capability):  # type: ignore[union-attr]
        raise DjangoPermissionDenied(_("Your role does not allow this."))


@vary_on_headers("HX-Request")
def queue(request: HttpRequest) -> HttpResponse:
    """Pairs waiting for a steward, the most valuable decision first, with the figures the labels give."""
    _require(request, Capability.LINKAGE_REVIEW)
    pairs = list(selectors.review_queue())
    audit.record_access(actor=request.user, kind=AccessKind.SEARCH, context=request.path,
                        person_ids=sorted({r.person_id for p in pairs for r in (p.record_a, p.record_b)}))
    return render(request, "linkage/queue.html", {
        "pairs": pairs, "counts": selectors.pair_counts(), "labels": selectors.labels_figures(),
        "upper": conf.upper_threshold(), "lower": conf.lower_threshold(),
    })


def pair_next(request: HttpRequest) -> HttpResponse:
    """The first pair of the queue."""
    _require(request, Capability.LINKAGE_REVIEW)
    pair = selectors.next_pair()
    if pair is None:
        messages.info(request, _("No pair is waiting for review."))
        return redirect("linkage:queue")
    return redirect("linkage:pair", pair_id=pair.pk)


def _pair_context(request: HttpRequest, pair: CandidatePair | None) -> dict[str, Any]:
    if pair is None:
        return {"pair": None}
    audit.record_access(actor=request.user, kind=AccessKind.VIEW, context=request.path,
                        person_ids=sorted({pair.record_a.person_id, pair.record_b.person_id}))
    return {"pair": pair, "evidence": selectors.pair_evidence(pair), "prior_weight": selectors.prior_weight(pair),
            "form": DecisionForm(initial={"seen": pair.decision}), "upper": conf.upper_threshold()}


@vary_on_headers("HX-Request")
def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Two records side by side: what agrees, what does not, and how much each comparison weighs."""
    _require(request, Capability.LINKAGE_REVIEW)
    try:
        pair = selectors.pair_get(pair_id=pair_id)
    except CandidatePair.DoesNotExist:
        raise Http404(_("No such pair.")) from None
    template = "linkage/pair.html#pair" if request.htmx else "linkage/pair.html"  # type: ignore[attr-defined]
    return render(request, template, _pair_context(request, pair))


@require_POST
def pair_decide(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Record the decision, then show the next pair of the queue (htmx swaps it in place)."""
    _require(request, Capability.LINKAGE_REVIEW)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose same person, different persons or unsure."))
    seen = form.cleaned_data["seen"] if "seen" in request.POST else None
    try:
        pair = services.pair_decide(actor=request.user, pair_id=pair_id, decision=form.cleaned_data["decision"],
                                    seen_decision=seen)
    except CandidatePair.DoesNotExist:
        raise Http404(_("No such pair.")) from None
    except ConcurrentEdit as exc:
        messages.error(request, str(exc))
        return redirect("linkage:pair", pair_id=pair_id)
    following = selectors.next_pair(after=pair)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.info(request, _("Decision saved: %(d)s.") % {"d": pair.get_decision_display()})
        return redirect("linkage:pair", pair_id=following.pk) if following else redirect("linkage:queue")
    response = render(request, "linkage/pair.html#pair", {**_pair_context(request, following), "decided": pair})
    response["HX-Push-Url"] = (reverse("linkage:pair", kwargs={"pair_id": following.pk}) if following
                               else reverse("linkage:queue"))
    return response


@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest) -> HttpResponse:
    """Start a linkage run (a background task) and follow the latest ones and the models they trained."""
    _require(request, Capability.LINKAGE_RUN)
    services.link_runs_mark_interrupted()
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind, batch = form.cleaned_data["kind"], form.cleaned_data["batch"]
            run = services.link_run_create(actor=request.user, kind=kind,
                                           sources=[s.code for s in form.cleaned_data["sources"]],
                                           retrain=form.cleaned_data["retrain"],
                                           batch_id=batch.pk if batch and kind == LinkRun.Kind.BATCH else None)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            user_id = request.user.pk
            transaction.on_commit(lambda: link_run_task.enqueue(run.pk, user_id))
            messages.info(request, _("The run is queued."))
            return redirect("linkage:run", run_id=run.pk)
    return render(request, "linkage/runs.html", {"form": form, "runs": selectors.runs(),
                                                 "models": selectors.models()})


@vary_on_headers("HX-Request")
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's progress (polled while it runs), counts, timings, and figures."""
    _require(request, Capability.LINKAGE_RUN)
    try:
        run = selectors.run_get(run_id=run_id)
    except LinkRun.DoesNotExist:
        raise Http404(_("No such run.")) from None
    if run.status == LinkRun.Status.RUNNING and services.link_runs_mark_interrupted():
        run.refresh_from_db()
    template = "linkage/run.html#status" if request.htmx else "linkage/run.html"  # type: ignore[attr-defined]
    return render(request, template, {"run": run})
