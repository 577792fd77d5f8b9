"""Group consultation sessions over the same use cases as their pages: the past sessions of the caller's units,
recording one, correcting its attendance."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.paging import PageQuery, keyset_page, page_out
from sakme.api.schemas.casework import AttendanceIn, GroupSessionDetail, GroupSessionIn, GroupSessionOut, Page
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import access, selectors, services
from sakme.casework.models import GroupSession
from sakme.geo.access import unit_id_of_code, unit_scope_for_user

router = Router(tags=["group sessions"])


def session_out(s: GroupSession, invited: int, attended: int) -> dict[str, Any]:
    return {"id": s.pk, "unit": s.unit.code, "topic": s.topic, "held_on": s.held_on, "invited": invited,
            "attended": attended, "version": s.version}


def _detail(request: AuthedRequest, session_id: int) -> dict[str, Any]:
    session, participants = selectors.group_session(user=request.user, session_id=session_id)
    audit.record_access(actor=request.user, kind=AccessKind.API, context=request.path,
                        person_ids=[p.case.job_seeker.person_id for p in participants])
    return {**session_out(session, len(participants), sum(p.attended for p in participants)),
            "participants": [{"case_id": p.case_id, "job_seeker_name": p.case.job_seeker.person.full_name,
                              "attended": p.attended} for p in participants]}


@router.get("/group-sessions", response={200: Page[GroupSessionOut], **ERRORS})
def group_session_list(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """Group sessions of the caller's units, the latest recorded first, 50 a page."""
    access.cases_for_user(request.user)  # who sees no cases sees no sessions
    rows, after = keyset_page(GroupSession.objects.filter(unit_scope_for_user(request.user).filter("unit_id"))
                              .select_related("unit"), after=params.after, newest_first=True)
    counts = selectors.group_session_counts([s.pk for s in rows])
    return page_out([session_out(s, *counts.get(s.pk, (0, 0))) for s in rows], after)


@router.get("/group-sessions/{session_id}", response={200: GroupSessionDetail, **ERRORS})
def group_session_detail(request: AuthedRequest, session_id: int) -> Any:
    """One group session with who was invited and who came."""
    return _detail(request, session_id)


@router.post("/group-sessions", response={200: GroupSessionDetail, **ERRORS})
def group_session_hold(request: AuthedRequest, payload: GroupSessionIn) -> Any:
    """Record a group session of a unit (the caller's own when `unit` is left out): the cases invited, those who
    came."""
    session = services.group_session_hold(actor=request.user, unit_id=unit_id_of_code(payload.unit),
                                          topic=payload.topic, held_on=payload.held_on, invited=payload.invited,
                                          attended=payload.attended)
    return _detail(request, session.pk)


@router.post("/group-sessions/{session_id}/attendance", response={200: GroupSessionDetail, **ERRORS})
def group_session_attendance(request: AuthedRequest, session_id: int, payload: AttendanceIn) -> Any:
    """Correct who came; 409 when the session changed since `expected_version`."""
    services.group_session_attendance(actor=request.user, session_id=session_id, attended=payload.attended,
                                      expected_version=payload.expected_version)
    return _detail(request, session_id)
