"""Indicator use cases: load the shipped definitions, compute a run (a dated snapshot of every figure)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.assistance.services.rules import rules_load
from sakme.audit import services as audit
from sakme.common.bulk import bulk_insert
from sakme.common.errors import DomainError
from sakme.employment.services import occupations_load
from sakme.geo.access import require
from sakme.geo.models import RolloutEvent, TerritorialUnit
from sakme.geo.services import territory_load
from sakme.indicators import engine
from sakme.indicators.measures import MEASURES, Context, Span
from sakme.indicators.models import Definition, Run, Value
from sakme.registry.services import source_systems_load
from sakme.surveys.services import surveys_load

DEFINITIONS_FILE = Path(__file__).parent / "data" / "definitions.json"
FIRST_YEAR = 2000
VALUE_COLUMNS = ("run_id", "definition_id", "level", "region_id", "unit_id", "year", "month", "numerator",
                 "denominator", "value")


class YearsRefused(DomainError):
    code = "indicator_years"


class NothingToCompute(DomainError):
    code = "indicator_none"


@transaction.atomic
def definitions_load(*, actor: Actor, path: Path = DEFINITIONS_FILE) -> int:
    """Create or update the indicator definitions shipped with sakme (idempotent; the agency may add its own)."""
    rows = json.loads(path.read_text(encoding="utf-8"))["definitions"]
    for row in rows:
        if row["measure"] not in MEASURES:
            raise DomainError(_("%(file)s: indicator %(code)s names the measure %(measure)s, which sakme does not "
                                "have; one of: %(known)s.") % {"file": path.name, "code": row["code"],
                                                              "measure": row["measure"], "known": ", ".join(MEASURES)})
        Definition.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    audit.record(actor=actor, action="indicators.load", entity_type="indicators.definition",
                 changes={"definitions": len(rows)})
    return len(rows)


def reference_load(*, actor: Actor) -> dict[str, int]:
    """All the reference data sakme ships: territory and the programme's activities, source systems, occupations,
    indicator definitions, the social-assistance rules, the satisfaction surveys' questions."""
    return {**territory_load(actor=actor), "source_systems": source_systems_load(actor=actor),
            "occupations": occupations_load(actor=actor), "indicators": definitions_load(actor=actor),
            **{f"assistance_{k}": v for k, v in rules_load(actor=actor).items()},
            "surveys": surveys_load(actor=actor)}


def first_year() -> int:
    """The first year with records: the service model's first rollout event (the baseline), else this year."""
    first = RolloutEvent.objects.aggregate(first=Min("date"))["first"]
    return first.year if first else timezone.localdate().year


def _years_check(year_from: int, year_to: int, as_of_year: int) -> None:
    if not FIRST_YEAR <= year_from <= year_to <= as_of_year:
        raise YearsRefused(_("Years %(a)s to %(b)s cannot be computed: give years from %(first)s to %(last)s, the "
                             "first not after the last.") % {"a": year_from, "b": year_to, "first": FIRST_YEAR,
                                                            "last": as_of_year})


def indicators_compute(*, actor: Actor, year_from: int | None = None, year_to: int | None = None,
                       as_of: Any = None) -> Run:
    """Compute every active indicator for every month and year of the span, per unit, region and country, and keep
    the figures as a new run: what was published before stays as it was."""
    require(actor, Capability.INDICATOR_COMPUTE)
    as_of = as_of or timezone.localdate()
    year_from = year_from or first_year()
    year_to = year_to or as_of.year
    _years_check(year_from, year_to, as_of.year)
    definitions = list(Definition.objects.filter(is_active=True))
    if not definitions:
        raise NothingToCompute(_("No indicator is defined: load the reference data first (sakme reference load)."))
    started = time.perf_counter()
    with transaction.atomic():
        run = Run.objects.create(by=acting_user(actor), year_from=year_from, year_to=year_to, as_of=as_of)
        ctx = Context(span=Span(year_from, year_to, as_of),
                      units=list(TerritorialUnit.objects.order_by("region__code", "code")))
        # Every figure first, then one COPY: the measures' queries cannot run while COPY holds the connection.
        rows = [(run.pk, definition.pk, *row) for definition in definitions
                for row in engine.rows_of(definition, MEASURES[definition.measure](ctx, definition.parameters), ctx)]
        with connection.cursor() as cursor:
            bulk_insert(cursor, Value._meta.db_table, VALUE_COLUMNS, rows)
        count = len(rows)
        run.status, run.values_count = Run.Status.DONE, count
        run.finished_at, run.seconds = timezone.now(), round(time.perf_counter() - started, 3)
        run.save(update_fields=["status", "values_count", "finished_at", "seconds"])
        audit.record(actor=actor, action="indicators.compute", entity_type="indicators.run", entity_id=run.pk,
                     changes={"years": [year_from, year_to], "as_of": as_of.isoformat(), "values": count})
    return run
