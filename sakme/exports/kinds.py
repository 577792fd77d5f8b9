"""What may be exported: each kind with the capability it needs, its columns and its rows (scoped as the pages).

Personal numbers leave masked, as every page shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.casework.access import cases_for_user
from sakme.casework.models import Case, State
from sakme.registry.emergency import emergency_accesses_for_user
from sakme.registry.personal_numbers import masked

Row = tuple[int | None, list[Any]]  # (the person the row is about, its cells)


@dataclass(frozen=True)
class ExportKind:
    label: Any
    capability: Capability
    columns: tuple[Any, ...]
    query: Callable[[Actor], QuerySet[Any]]  # scoped to the actor; counted before anything is written
    rows: Callable[[QuerySet[Any]], Iterator[Row]]


def _cases(actor: Actor) -> QuerySet[Case]:
    return cases_for_user(actor).exclude(state=State.CLOSED)


def _case_rows(cases: QuerySet[Case]) -> Iterator[Row]:
    chosen = cases.select_related("job_seeker__person", "unit", "counsellor").order_by("unit__code", "opened_on", "pk")
    for case in chosen.iterator(chunk_size=2000):
        p = case.job_seeker.person
        counsellor = case.counsellor.get_full_name() if case.counsellor else ""
        yield p.pk, [case.pk, case.unit.code, p.full_name, masked(p.personal_number_tail), p.birth_date,
                     case.get_state_display(), case.state_since, case.opened_on, counsellor]


def _opening_rows(openings: QuerySet[Any]) -> Iterator[Row]:
    for a in openings.iterator(chunk_size=2000):
        yield a.person_id, [a.opened_at, a.user.username, a.person.full_name, a.unit.code if a.unit else "",
                            a.reason, a.until]


KINDS: dict[str, ExportKind] = {
    "caseload": ExportKind(
        _("Open cases of my units"), Capability.CASE_VIEW,
        (_("case"), _("unit"), _("name"), _("personal number"), _("birth date"), _("state"), _("in this state since"),
         _("opened on"), _("counsellor")),
        _cases, _case_rows),
    "emergency_accesses": ExportKind(
        _("Openings from outside the unit"), Capability.EMERGENCY_ACCESS_REVIEW,
        (_("opened"), _("who"), _("person"), _("unit"), _("reason"), _("open until")),
        emergency_accesses_for_user, _opening_rows),
}
