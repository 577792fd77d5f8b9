"""Record linkage over the same services and getters as the linkage pages: runs (start one, follow it), the
clerical review (the queue, a pair with its evidence, a decision), and a person's links across sources. Reads of
records are logged as the pages log them; refusals become problem details (`sakme.api.errors`)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.paging import PageQuery, keyset_page, page_out
from sakme.api.schemas.casework import Page
from sakme.api.schemas.data import (
    DecisionIn,
    PairDetail,
    PairOut,
    PersonLinksOut,
    QueuePairOut,
    RunDetail,
    RunIn,
    RunOut,
)
from sakme.audit.models import AccessKind
from sakme.linkage import conf, selectors, services
from sakme.linkage.models import CandidatePair, LinkRun
from sakme.registry import access
from sakme.registry.models import SourceRecord

router = Router(tags=["linkage"])


def run_out(run: LinkRun) -> dict[str, Any]:
    return {"id": run.pk, "kind": run.kind, "status": run.status, "sources": list(run.sources), "engine": run.engine,
            "retrain": run.retrain, "batch_id": run.batch_id, "model": str(run.model) if run.model_id else None,
            "phase": run.phase, "progress": run.progress, "progress_at": run.progress_at,
            "started_by_id": run.started_by_id, "created_at": run.created_at, "started_at": run.started_at,
            "finished_at": run.finished_at}


def run_detail_out(run: LinkRun) -> dict[str, Any]:
    return {**run_out(run), "message": run.message, "counts": run.counts, "timings": run.timings,
            "figures": run.figures}


def pair_out(pair: CandidatePair) -> dict[str, Any]:
    return {"id": pair.pk, "status": pair.status, "decision": pair.decision, "probability": pair.probability,
            "match_weight": pair.match_weight, "value": pair.value, "decided_by_id": pair.decided_by_id,
            "decided_at": pair.decided_at}


def record_summary(r: SourceRecord) -> dict[str, Any]:
    return {"source": r.source.code, "key": r.key, "person_id": r.person_id,
            "personal_number_masked": r.personal_number_masked or None,
            "given_name": r.given_name, "family_name": r.family_name, "birth_date": r.birth_date}


def record_out(r: SourceRecord) -> dict[str, Any]:
    return {**record_summary(r), "sex": r.sex, "municipality": r.municipality.code if r.municipality else None,
            "address": r.address, "phone": r.phone}


# -- runs -------------------------------------------------------------------------------------------------------

@router.get("/linkage/runs", response={200: Page[RunOut], **ERRORS})
def run_list(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """Linkage runs, newest first, 50 a page (pass `next` as `after` for the following page); a run whose process
    died shows as interrupted."""
    items, after = keyset_page(services.link_runs_list(actor=request.user), after=params.after, newest_first=True)
    return page_out([run_out(r) for r in items], after)


@router.post("/linkage/runs", response={200: RunDetail, **ERRORS})
def run_start(request: AuthedRequest, payload: RunIn) -> Any:
    """Start a run: it is created at once and executed by the worker; follow it at `GET /linkage/runs/{id}`."""
    run = services.link_run_start(actor=request.user, kind=payload.kind, sources=payload.sources,
                                  retrain=payload.retrain, batch_id=payload.batch_id)
    return run_detail_out(run)


@router.get("/linkage/runs/{run_id}", response={200: RunDetail, **ERRORS})
def run_detail(request: AuthedRequest, run_id: int) -> Any:
    """One run: its phase and progress while it runs, then its counts, timings and figures."""
    return run_detail_out(services.link_run_get(actor=request.user, run_id=run_id))


# -- the clerical review ------------------------------------------------------------------------------------------

@router.get("/linkage/pairs", response={200: Page[QueuePairOut], **ERRORS})
def pair_queue(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """Pairs waiting for review, the most valuable decision first and pairs marked unsure last, 50 a page (pass
    `next` as `after` for the following page)."""
    page = selectors.review_queue_for_user(request.user, after=params.after, kind=AccessKind.API,
                                           context=request.path)
    return page_out([{**pair_out(p), "record_a": record_summary(p.record_a), "record_b": record_summary(p.record_b)}
                     for p in page.pairs], page.after)


@router.get("/linkage/pairs/{pair_id}", response={200: PairDetail, **ERRORS})
def pair_detail(request: AuthedRequest, pair_id: int) -> Any:
    """Two records side by side and the evidence: every comparison with both values, the level the model put them
    in and its match weight, starting from the prior's weight."""
    pair = selectors.pair_get_for_user(request.user, pair_id, kind=AccessKind.API, context=request.path)
    return {**pair_out(pair), "model": str(pair.model), "upper_threshold": conf.upper_threshold(),
            "prior_weight": selectors.prior_weight(pair), "record_a": record_out(pair.record_a),
            "record_b": record_out(pair.record_b),
            "evidence": [{"comparison": e.name, "label": e.label, "value_a": e.value_a, "value_b": e.value_b,
                          "hint_a": e.hint_a, "hint_b": e.hint_b, "level": e.level, "weight": e.weight,
                          "agrees": e.agrees} for e in selectors.pair_evidence(pair)]}


@router.post("/linkage/pairs/{pair_id}/decision", response={200: PairOut, **ERRORS})
def pair_decide(request: AuthedRequest, pair_id: int, payload: DecisionIn) -> Any:
    """Decide a pair: same person (linked), different persons (kept apart) or unsure (stays in the queue, last);
    409 when someone decided it since the client read `seen_decision`."""
    return pair_out(services.pair_decide(actor=request.user, pair_id=pair_id, decision=payload.decision,
                                         seen_decision=payload.seen_decision))


# -- a person's links -------------------------------------------------------------------------------------------

@router.get("/persons/{person_id}/links", response={200: PersonLinksOut, **ERRORS})
def person_links(request: AuthedRequest, person_id: int) -> Any:
    """Source records of other persons linked to this person's records, with their match probability."""
    person = access.person_get_for_user(request.user, person_id, kind=AccessKind.API, context=request.path)
    found = selectors.person_links(user=request.user, person=person, kind=AccessKind.API)
    return {"linked": [{"source": x.record.source.code, "key": x.record.key, "person_id": x.record.person_id,
                        "given_name": x.record.given_name, "family_name": x.record.family_name,
                        "birth_date": x.record.birth_date, "probability": x.probability} for x in found["linked"]],
            "linked_outside_your_units": found["linked_hidden"]}
