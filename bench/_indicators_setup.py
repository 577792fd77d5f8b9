"""The Django side of `bench/indicators.py`: what the demo's case histories lack for the indicators, the dashboard's
signed-in sessions, and the timing of `indicators_compute` and of each measure.

Run by `indicators.py` as `python bench/_indicators_setup.py --worker <task> --args <json>` with the bench
database's environment. Prints one `BENCH-JSON {...}` line (see `_common.py`).

Tasks:
  extra     written once after `sakme demo load`, set-based (INSERT ... SELECT; pseudo-random from `hashint8` of ids,
            so a rebuild gives the same rows): 4 counsellors posted to each unit sharing its cases (5 of them also
            posted later to a second unit: staff move), trainings and working meetings every quarter with 30 % of the
            staff attending, 2 group sessions a unit a month with half of the cases joining one a week after opening
            (78 % attend), 2 vacancies a unit a month (a third of the pairs opened the same day) with a shortlist of
            3 open cases of the unit, sent for 90 % of them, rejected / no-show / pending, and referrals to training
            for 15 % of the cases with an agreed plan (accepted, rejected, no-show or pending).
  fixtures  signed-in sessions of the demo's analyst, unit head and regional coordinator (as `force_login` makes).
  counts    rows of the tables the indicators read.
  compute   `indicators_compute` timed `repeat` times (SQL time from an execute wrapper).
  breakdown each definition's measure and `engine.rows_of` timed separately, then the COPY of all values.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _common import worker_main

PREFIX = "ind-"
COUNSELLORS = 4
H = "(hashint8({}) & 2147483647)"  # a deterministic pseudo-random non-negative int of an expression


def _h(expr: str) -> str:
    return H.format(expr)


def _sql(cursor: Any, label: str, query: str, params: dict[str, Any], done: dict[str, Any]) -> None:
    started = time.perf_counter()
    cursor.execute(query, params)
    done[label] = {"rows": cursor.rowcount, "seconds": round(time.perf_counter() - started, 1)}
    print(f"{label}: {cursor.rowcount:,} rows in {done[label]['seconds']} s", flush=True)


def _insert(cursor: Any, label: str, model: Any, columns: str, select: str, rest: str, params: dict[str, Any],
            done: dict[str, Any]) -> None:
    """INSERT INTO the model's table (columns) SELECT select rest; every other column gets the model field's default
    (the time for auto_now fields), so that a field added with a default meanwhile does not break the setup."""
    from django.db import connection
    from django.utils import timezone

    named = [c.strip() for c in columns.split(",")]
    extra_columns, extra_values, values = [], [], dict(params)
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in named:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        value = timezone.now() if auto else f.get_db_prep_save(f.get_default(), connection)
        if value is None and f.null:
            continue
        extra_columns.append(f.column)
        extra_values.append(f"%(default_{f.column})s")
        values[f"default_{f.column}"] = value
    table = model._meta.db_table
    _sql(cursor, label, f"INSERT INTO {table} ({', '.join(named + extra_columns)}) "
                        f"SELECT {', '.join([select, *extra_values])} {rest}", values, done)


def task_extra(as_of: str) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from sakme.accounts.models import User
    from sakme.casework.models import GroupParticipant, GroupSession, Referral
    from sakme.employment.models import Vacancy
    from sakme.geo.models import StaffPost, TerritorialUnit, Training

    if User.objects.filter(username__startswith=PREFIX).exists():
        return {"skipped": "already written"}
    day = dt.date.fromisoformat(as_of)
    p = {"as_of": day, "start": dt.date(2017, 1, 1), "prefix": PREFIX + "%"}
    done: dict[str, Any] = {}
    with transaction.atomic():
        units = list(TerritorialUnit.objects.order_by("code"))
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}{u.code.lower()}-c{k}", password=unusable, role="counsellor", first_name="Bench",
                 last_name=f"{u.code} {k}") for u in units for k in range(1, COUNSELLORS + 1))
        posts = [StaffPost(user=user, unit=units[i // COUNSELLORS]) for i, user in enumerate(users)]
        # Staff move: the first counsellor of every 14th unit also posted to the next unit from 2024 on.
        posts += [StaffPost(user=users[i * COUNSELLORS], unit=units[i + 1], since=dt.date(2024, 1, 1))
                  for i in range(0, len(units) - 1, 14)]
        StaffPost.objects.bulk_create(posts)
        done["staff"] = {"rows": len(users), "moved": len(posts) - len(users)}
        with connection.cursor() as cursor:
            _sql(cursor, "cases shared among the unit's counsellors", """
                WITH c AS (SELECT sp.unit_id, array_agg(sp.user_id ORDER BY sp.user_id) AS ids FROM geo_staffpost sp
                           JOIN accounts_user u ON u.id = sp.user_id
                           WHERE u.username LIKE %(prefix)s AND sp.since IS NULL GROUP BY sp.unit_id)
                UPDATE casework_case k SET counsellor_id = c.ids[1 + k.id %% array_length(c.ids, 1)]
                FROM c WHERE c.unit_id = k.unit_id""", p, done)
            _insert(cursor, "trainings and working meetings", Training, "date, days, kind, title_ka, title_en",
                    "d::date + k.shift, 1, k.kind, k.title || to_char(d, ' YYYY-MM'), k.title || to_char(d, ' YYYY-MM')",
                    """FROM generate_series(DATE '2017-02-15', %(as_of)s::date - 20, interval '3 months') d
                    CROSS JOIN (VALUES ('training', 0, 'bench training'), ('working_meeting', 14, 'bench meeting'))
                        AS k(kind, shift, title)""", p, done)
            _insert(cursor, "training attendees", Training.attendees.through, "training_id, user_id", "t.id, u.id",
                    f"""FROM geo_training t CROSS JOIN accounts_user u WHERE u.username LIKE %(prefix)s
                    AND t.date <= %(as_of)s AND {_h('t.id * 100003 + u.id')} %% 100 < 30""", p, done)
            _insert(cursor, "group sessions", GroupSession, "unit_id, topic, facilitator_id, held_on",
                    """u.id, 'ჯგუფური კონსულტაცია: CV და გასაუბრება',
                    (SELECT min(sp.user_id) FROM geo_staffpost sp WHERE sp.unit_id = u.id AND sp.since IS NULL),
                    m::date + d.shift""",
                    """FROM geo_territorialunit u
                    CROSS JOIN generate_series(%(start)s::date, %(as_of)s::date, interval '1 month') m
                    CROSS JOIN (VALUES (9), (23)) AS d(shift) WHERE m::date + d.shift <= %(as_of)s""", p, done)
            _insert(cursor, "group participants", GroupParticipant, "session_id, case_id, attended",
                    f"g.id, c.id, {_h('c.id * 31 + 7')} %% 100 < 78",
                    f"""FROM (SELECT id, unit_id, opened_on + 7 AS d, closed_on FROM casework_case
                          WHERE {_h('id * 17 + 3')} %% 100 < 50) c
                    JOIN casework_groupsession g ON g.unit_id = c.unit_id AND g.held_on = CASE
                        WHEN extract(day FROM c.d) <= 10 THEN date_trunc('month', c.d)::date + 9
                        WHEN extract(day FROM c.d) <= 24 THEN date_trunc('month', c.d)::date + 23
                        ELSE (date_trunc('month', c.d) + interval '1 month')::date + 9 END
                    WHERE g.held_on <= coalesce(c.closed_on, %(as_of)s)""", p, done)
            cursor.execute("SELECT coalesce(max(id), 0) FROM employment_vacancy")
            p["before"] = cursor.fetchone()[0]
            epoch = "extract(epoch FROM m)::bigint"
            _insert(cursor, "vacancies", Vacancy,
                    "employer_id, unit_id, occupation_id, title, municipality_id, wage_gel, positions, opened_on, status",
                    """e.ids[1 + x.h %% array_length(e.ids, 1)], x.unit_id,
                    (ARRAY['5120','5223','8322','9112','7112','5131','4110','6111'])[1 + x.h %% 8], 'ვაკანსია',
                    x.municipality_id, 600 + 50 * (x.h %% 40), 1, x.opened,
                    CASE WHEN x.opened < %(as_of)s::date - 60 THEN 'filled' ELSE 'open' END""",
                    f"""FROM (SELECT u.id AS unit_id, u.municipality_id, {_h(f'u.id * 1009 + k.n * 7 + {epoch}')} AS h,
                                 m::date + CASE WHEN k.n = 2 AND {_h(f'u.id * 13 + {epoch}')} %% 3 = 0
                                     THEN 2 + {_h(f'u.id * 1009 + 7 + {epoch}')} %% 20
                                     ELSE 2 + {_h(f'u.id * 1009 + k.n * 7 + {epoch}')} %% 20 END AS opened
                          FROM geo_territorialunit u
                          CROSS JOIN generate_series(%(start)s::date, %(as_of)s::date, interval '1 month') m
                          CROSS JOIN (VALUES (1), (2)) AS k(n)) x
                    JOIN (SELECT unit_id, array_agg(id ORDER BY id) AS ids FROM employment_employer GROUP BY unit_id) e
                      ON e.unit_id = x.unit_id
                    WHERE x.opened <= %(as_of)s""", p, done)
            _insert(cursor, "shortlist referrals", Referral,
                    "case_id, kind, vacancy_id, referred_on, status, outcome_on, consent_on, sent_on",
                    """case_id, 'vacancy', vacancy_id, referred_on,
                    CASE WHEN outcome IS NULL THEN 'pending' WHEN hc %% 100 < 75 THEN 'rejected' ELSE 'no_show' END,
                    outcome, referred_on, sent""",
                    f"""FROM (SELECT *, CASE WHEN sent IS NOT NULL AND hc %% 100 >= 5
                                             AND sent + 1 + (hc / 100) %% 25 <= %(as_of)s
                                        THEN sent + 1 + (hc / 100) %% 25 END AS outcome
                          FROM (SELECT *, CASE WHEN h %% 100 < 90 AND referred_on + (h / 100) %% 19 <= %(as_of)s
                                               THEN referred_on + (h / 100) %% 19 END AS sent
                                FROM (SELECT v.id AS vacancy_id, v.h, c.id AS case_id, {_h('c.id * 7919 + v.id')} AS hc,
                                             v.opened_on + 1 + v.h %% 7 AS referred_on,
                                             row_number() OVER (PARTITION BY v.id
                                                                ORDER BY {_h('c.id * 7919 + v.id')}) AS k
                                      FROM (SELECT id, unit_id, opened_on, {_h('id * 13 + 5')} AS h
                                            FROM employment_vacancy WHERE id > %(before)s) v
                                      JOIN casework_case c ON c.unit_id = v.unit_id
                                       AND c.opened_on BETWEEN v.opened_on - 90 AND v.opened_on - 1
                                      WHERE (c.closed_on IS NULL OR c.closed_on > v.opened_on + 8)
                                        AND v.opened_on + 8 <= %(as_of)s) a
                                WHERE k <= 3) b) r""", p, done)
            _insert(cursor, "training referrals", Referral,
                    "case_id, kind, programme_id, referred_on, status, outcome_on, consent_on",
                    """id, 'training', prog.ids[1 + h %% array_length(prog.ids, 1)], r,
                    CASE WHEN outcome IS NULL THEN 'pending' WHEN (h / 7) %% 100 < 35 THEN 'accepted'
                         WHEN (h / 7) %% 100 < 75 THEN 'rejected' ELSE 'no_show' END, outcome, r""",
                    f"""FROM (SELECT *, CASE WHEN (h / 100000) %% 100 >= 4 AND r + 2 + (h / 1000) %% 30 <= %(as_of)s
                                        THEN r + 2 + (h / 1000) %% 30 END AS outcome
                          FROM (SELECT c.id, c.closed_on, {_h('c.id * 104729 + 11')} AS h,
                                       pl.agreed + 5 + {_h('c.id * 104729 + 11')} %% 25 AS r
                                FROM casework_case c
                                JOIN (SELECT case_id, min(agreed_on) AS agreed FROM casework_employmentplan
                                      WHERE agreed_on IS NOT NULL GROUP BY case_id) pl ON pl.case_id = c.id
                                WHERE {_h('c.id * 104729 + 11')} %% 100 < 15) x
                          WHERE r <= coalesce(closed_on, %(as_of)s)) y
                    CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM employment_trainingprogramme
                                WHERE is_active) prog""", p, done)
    return done


def task_demo(persons: int, cases: int, seed: int) -> dict[str, Any]:
    """What `sakme demo load` does after migrating, but its closing `indicators_compute` (all years since 2017;
    it hangs on PostgreSQL while the measures query inside the COPY, see `task_compute`)."""
    from sakme.demo import services
    from sakme.demo.casework import demo_cases_load
    from sakme.demo.emergency import demo_emergency_access_load
    from sakme.demo.training import demo_training_load

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    services.demo_reference_load()
    services.demo_population_load(persons=persons, seed=seed, log=print)
    seconds["population"] = round(time.perf_counter() - started, 1)
    credentials = services.demo_users_create()
    started = time.perf_counter()
    demo_training_load(seed=seed)
    made = demo_cases_load(cases=cases, seed=seed)
    demo_emergency_access_load(credentials["counsellor"])
    seconds["cases"] = round(time.perf_counter() - started, 1)
    print(f"case histories: {made:,} in {seconds['cases']} s", flush=True)
    return {"cases": made, "seconds": seconds}


def task_fixtures(roles: list[str]) -> dict[str, Any]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from sakme.accounts import session_limits
    from sakme.accounts.models import User
    from sakme.indicators.models import Definition

    users = []
    for role in roles:
        user = User.objects.filter(username=role, role=role).first()  # the demo's user of the role
        if user is None:
            raise SystemExit(f"no demo user {role!r}")
        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[session_limits.STARTED] = session[session_limits.SEEN] = session_limits.now()
        session.create()
        users.append({"username": user.username, "role": role, "session": session.session_key})
    return {"users": users, "codes": list(Definition.objects.filter(is_active=True).values_list("code", flat=True))}


TABLES = {"persons": "registry_person", "households": "registry_household", "enrolments": "registry_enrolment",
          "job seekers": "employment_jobseeker", "cases": "casework_case", "sessions": "casework_counsellingsession",
          "plans": "casework_employmentplan", "referrals": "casework_referral", "placements": "casework_placement",
          "follow-ups": "casework_followup", "group sessions": "casework_groupsession",
          "participants": "casework_groupparticipant", "vacancies": "employment_vacancy",
          "trainings": "geo_training", "attendees": "geo_training_attendees", "staff posts": "geo_staffpost"}


def task_counts() -> dict[str, Any]:
    from django.db import connection

    from sakme.casework.clocks import deadlines

    with connection.cursor() as cursor:
        counts = {}
        for label, table in TABLES.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[label] = cursor.fetchone()[0]
        cursor.execute("SELECT count(DISTINCT unit_id), min(opened_on)::text, max(opened_on)::text FROM casework_case")
        counts["units with cases"], counts["first case"], counts["last case"] = cursor.fetchone()
    return {"counts": counts, "deadlines": deadlines()}


class SqlClock:
    """Seconds spent in `cursor.execute` (the query and, with psycopg's client-side cursors, its whole result)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0
        self.rows = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1
            rowcount = getattr(context.get("cursor"), "rowcount", -1)
            self.rows += max(rowcount or 0, 0)


@contextmanager
def sql_clock() -> Iterator[SqlClock]:
    from django.db import connection

    clock = SqlClock()
    with connection.execute_wrapper(clock):
        yield clock


def task_compute(repeat: int, year_from: int, year_to: int, as_of: str) -> dict[str, Any]:
    import gc

    from sakme.accounts.actors import SYSTEM
    from sakme.indicators import services

    day = dt.date.fromisoformat(as_of)
    runs = []
    for i in range(repeat):
        gc.collect()
        with sql_clock() as clock:
            started = time.perf_counter()
            run = services.indicators_compute(actor=SYSTEM, year_from=year_from, year_to=year_to, as_of=day)
            seconds = time.perf_counter() - started
        runs.append({"run": run.pk, "seconds": round(seconds, 3), "run_seconds": run.seconds,
                     "values": run.values_count, "sql_seconds": round(clock.seconds, 3), "queries": clock.queries})
        print(f"run {i + 1}/{repeat}: {seconds:.2f} s, {run.values_count:,} values "
              f"(of which SQL {clock.seconds:.2f} s in {clock.queries} queries)", flush=True)
    return {"runs": runs}


def task_breakdown(repeat: int, year_from: int, year_to: int, as_of: str) -> dict[str, Any]:
    """Each definition in the run's order with one shared context (as `indicators_compute` does: a clock's cases are
    read once for its three statistics): the measure's time (its SQL and the rest, Python) and the engine's."""
    from django.db import connection, transaction

    from sakme.common.bulk import bulk_insert
    from sakme.geo.models import TerritorialUnit
    from sakme.indicators import engine
    from sakme.indicators.measures import MEASURES, Context, Span
    from sakme.indicators.models import Definition, Run, Value
    from sakme.indicators.services import VALUE_COLUMNS

    day = dt.date.fromisoformat(as_of)
    definitions = list(Definition.objects.filter(is_active=True))
    passes: list[dict[str, dict[str, float]]] = []
    copy_seconds = []
    for _ in range(repeat):
        ctx = Context(span=Span(year_from, year_to, day), units=list(TerritorialUnit.objects.order_by("region__code",
                                                                                                       "code")))
        figures: dict[str, dict[str, float]] = {}
        rows: list[tuple[Any, ...]] = []
        for definition in definitions:
            with sql_clock() as clock:
                started = time.perf_counter()
                frame = MEASURES[definition.measure](ctx, definition.parameters)
                measured = time.perf_counter() - started
            started = time.perf_counter()
            out = list(engine.rows_of(definition, frame, ctx))
            engine_seconds = time.perf_counter() - started
            rows += [(definition.pk, *row) for row in out]
            figures[definition.code] = {"measure": measured, "sql": clock.seconds, "python": measured - clock.seconds,
                                        "engine": engine_seconds, "rows_read": clock.rows, "frame": len(frame.unit),
                                        "values": len(out)}
        passes.append(figures)
        with transaction.atomic():  # the COPY of every value, as a run writes them; rolled back
            run = Run.objects.create(by=None, year_from=year_from, year_to=year_to, as_of=day)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                bulk_insert(cursor, Value._meta.db_table, VALUE_COLUMNS, ((run.pk, *row) for row in rows))
            copy_seconds.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    median = {code: {k: statistics.median(p[code][k] for p in passes) for k in passes[0][code]}
              for code in passes[0]}
    measures = {d.code: d.measure for d in definitions}
    return {"definitions": median, "measures": measures, "copy_seconds": statistics.median(copy_seconds),
            "values": len(rows)}


if __name__ == "__main__":
    worker_main({"demo": task_demo, "extra": task_extra, "fixtures": task_fixtures, "counts": task_counts, "compute": task_compute,
                 "breakdown": task_breakdown}, sys.argv)
