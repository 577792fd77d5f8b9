"""The limit of `bench/indicators.py`: one hand-written PostgreSQL query per indicator, giving the same figures per
unit and month as sakme's measures (their docstrings say what each counts), and the comparison of the two.

Every query returns (unit id, first day of the month, numerator, denominator, value) for the non-empty cells of the
span: from %(first)s to the end of the month of %(as_of)s. Working days are counted in SQL with a weekday-count
formula: the weekdays in [a, b) are W(b) - W(a), W(x) = 5 * (n / 7) + least(n % 7, 5) with n the days since a Monday
(numpy's `busday_count`, Monday to Friday, no holidays). Medians and 90th percentiles are `percentile_cont` (linear
interpolation, numpy's default). Deliberate differences from sakme's semantics are named where they are.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

MONDAY = "DATE '1970-01-05'"


def _wd(x: str) -> str:
    return f"((({x}) - {MONDAY}) / 7 * 5 + least((({x}) - {MONDAY}) %% 7, 5))"


def _taken(a: str, b: str) -> str:
    return f"greatest({_wd(b)} - {_wd(a)}, 0)"


def _span(col: str) -> str:
    return f"{col} >= %(first)s AND {col} < %(end)s"


def _month(col: str) -> str:
    return f"date_trunc('month', {col})::date"


MONTHS = "(SELECT m::date AS m FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') m)"
PERCENT = "100.0 * n / nullif(d, 0)"
RATIO = "n::float / nullif(d, 0)"


def _counts(inner: str, value: str = "n::float") -> str:
    """Wrap a query of (unit_id, m, n, d) into the five columns."""
    return f"SELECT unit_id, m, n, d, {value} FROM ({inner}) q"


def _flow(table_join: str, unit: str, day: str, where: str = "TRUE", n: str = "count(*)",
          d: str = "NULL::bigint", value: str = "n::float") -> str:
    return _counts(f"SELECT {unit} AS unit_id, {_month(day)} AS m, {n} AS n, {d} AS d FROM {table_join} "
                   f"WHERE {where} AND {_span(day)} GROUP BY 1, 2", value)


# Clocks: (unit_id, started, stopped) of the items started in the span.
CLOCKS = {
    "first_session": "SELECT c.unit_id, c.opened_on AS started, (SELECT min(s.held_on) FROM casework_counsellingsession "
                     "s WHERE s.case_id = c.id) AS stopped FROM casework_case c WHERE c.transferred_from_id IS NULL "
                     f"AND {_span('c.opened_on')}",
    "plan": "SELECT c.unit_id, c.opened_on AS started, (SELECT min(p.agreed_on) FROM casework_employmentplan p WHERE "
            f"p.case_id = c.id) AS stopped FROM casework_case c WHERE c.transferred_from_id IS NULL AND "
            f"{_span('c.opened_on')}",
    "referral_outcome": "SELECT c.unit_id, r.referred_on AS started, r.outcome_on AS stopped FROM casework_referral r "
                        f"JOIN casework_case c ON c.id = r.case_id WHERE {_span('r.referred_on')}",
    # Each vacancy is its own clock.
    "shortlist": "SELECT v.unit_id, v.opened_on AS started, (SELECT min(r.sent_on) FROM casework_referral r WHERE "
                 f"r.vacancy_id = v.id) AS stopped FROM employment_vacancy v WHERE {_span('v.opened_on')}",
}


def _delay(clock: str, statistic: str) -> str:
    # What stopped after the run's date had not stopped yet on that date.
    items = (f"SELECT unit_id, started, CASE WHEN stopped <= %(as_of)s THEN stopped END AS stopped "
             f"FROM ({CLOCKS[clock]}) a")
    if statistic in ("median", "p90"):
        q = 0.5 if statistic == "median" else 0.9
        return (f"SELECT unit_id, {_month('started')} AS m, count(*) AS n, NULL::bigint AS d, "
                f"percentile_cont({q}) WITHIN GROUP (ORDER BY {_taken('started', 'stopped')}) "
                f"FROM ({items}) i WHERE stopped IS NOT NULL GROUP BY 1, 2")
    late = (f"CASE WHEN stopped IS NOT NULL THEN {_taken('started', 'stopped')} "
            f"ELSE {_taken('started', 'greatest(started, %(as_of)s)')} END > %(deadline_{clock})s")
    return _counts(f"SELECT unit_id, {_month('started')} AS m, count(*) FILTER (WHERE {late}) AS n, count(*) AS d "
                   f"FROM ({items}) i GROUP BY 1, 2", PERCENT)


def _birthday(birth: str, age: str) -> str:
    """The day one turns `age` (29 February: 1 March), as sakme's `_birthday`."""
    return (f"((date_trunc('month', {birth}) + make_interval(years => {age}))::date "
            f"+ ({birth} - date_trunc('month', {birth})::date))")


QUERIES: dict[str, str] = {
    "2.1": _counts(
        "SELECT u.id AS unit_id, mo.m, CASE WHEN u.is_active AND ev.event = 'adopted' THEN 1 ELSE 0 END AS n, "
        "CASE WHEN u.is_active THEN 1 ELSE 0 END AS d FROM geo_territorialunit u "
        f"CROSS JOIN (SELECT m, least((m + interval '1 month - 1 day')::date, %(as_of)s) AS e FROM {MONTHS} x) mo "
        "LEFT JOIN LATERAL (SELECT e.event FROM geo_rolloutevent e WHERE e.unit_id = u.id AND e.date <= mo.e "
        "ORDER BY e.date DESC, e.id DESC LIMIT 1) ev ON TRUE", PERCENT),
    **{f"delay.{clock}.{statistic}": _delay(clock, statistic) for clock in CLOCKS
       for statistic in ("median", "p90", "late")},
    "caseload": _counts(
        "SELECT c.unit_id, mo.m, count(*) AS n, count(DISTINCT c.counsellor_id) AS d FROM casework_case c "
        f"JOIN {MONTHS} mo ON c.opened_on < mo.m + interval '1 month' AND (c.state <> 'closed' OR c.closed_on IS NULL "
        "OR c.closed_on >= mo.m + interval '1 month') WHERE c.counsellor_id IS NOT NULL "
        "AND (c.closed_on IS NULL OR c.closed_on >= %(first)s) GROUP BY 1, 2", RATIO),
    "placements": _flow("casework_placement p JOIN casework_case c ON c.id = p.case_id", "c.unit_id", "p.started_on"),
    **{f"follow_up.{months}": _flow(
        "casework_followup f JOIN casework_case c ON c.id = f.case_id", "c.unit_id", "f.due_on",
        f"f.months = {months} AND f.done_on IS NOT NULL AND f.still_in_work_or_training IS NOT NULL",
        n="count(*) FILTER (WHERE f.still_in_work_or_training)", d="count(*)", value=PERCENT) for months in (3, 6, 12)},
    "group_sessions": _flow("casework_groupsession g", "g.unit_id", "g.held_on"),
    "group_attendance": _flow("casework_groupparticipant p JOIN casework_groupsession g ON g.id = p.session_id",
                              "g.unit_id", "g.held_on", n="count(*) FILTER (WHERE p.attended)", d="count(*)",
                              value=PERCENT),
    "training_referrals": _flow("casework_referral r JOIN casework_case c ON c.id = r.case_id", "c.unit_id",
                                "r.referred_on", "r.kind = 'training'"),
    "training_outcomes": _flow("casework_referral r JOIN casework_case c ON c.id = r.case_id", "c.unit_id",
                               "r.referred_on", "r.kind = 'training' AND r.status <> 'pending'",
                               n="count(*) FILTER (WHERE r.status = 'accepted')", d="count(*)", value=PERCENT),
    # A member of staff counts in the unit of their latest post (the highest id).
    "staff_trained": _flow(
        "(SELECT a.user_id, min(t.date) AS day FROM geo_training_attendees a JOIN geo_training t ON t.id = "
        "a.training_id GROUP BY a.user_id, extract(year FROM t.date)) f JOIN (SELECT DISTINCT ON (user_id) user_id, "
        "unit_id FROM geo_staffpost WHERE unit_id IS NOT NULL ORDER BY user_id, id DESC) p ON p.user_id = f.user_id",
        "p.unit_id", "f.day"),
    # Each beneficiary's months computed once (a MATERIALIZED CTE), then counted at each month's end from +1/-1
    # events and a running sum per unit (a join of persons and months evaluates 9 million pairs: 4-13 s).
    "linkage_rate": _counts(
        "WITH i AS MATERIALIZED (SELECT unit_id, date_trunc('month', start)::date AS start_m, "
        "date_trunc('month', stop)::date AS stop_m, "
        "CASE WHEN registered_on IS NOT NULL THEN date_trunc('month', greatest(start, registered_on))::date END "
        "AS seeker_m "
        f"FROM (SELECT unit_id, greatest(since, {_birthday('birth', '%(age_from)s')}) AS start, "
        f"{_birthday('birth', '%(age_to)s + 1')} AS stop, registered_on "
        "FROM (SELECT p.unit_id, p.birth_date AS birth, min(e.assessment_date) AS since, js.registered_on "
        "FROM registry_person p JOIN registry_membership ms ON ms.person_id = p.id "
        "JOIN registry_enrolment e ON e.household_id = ms.household_id AND e.status = 'active' "
        "LEFT JOIN employment_jobseeker js ON js.person_id = p.id "
        "WHERE p.birth_date IS NOT NULL AND p.unit_id IS NOT NULL GROUP BY p.id, js.registered_on) b "
        "WHERE since IS NOT NULL) x), "
        "ev AS (SELECT unit_id, greatest(start_m, %(first)s) AS m, 1 AS d, 0 AS n FROM i "
        "WHERE start_m < stop_m AND stop_m > %(first)s "
        "UNION ALL SELECT unit_id, stop_m, -1, 0 FROM i WHERE start_m < stop_m AND stop_m > %(first)s "
        "UNION ALL SELECT unit_id, greatest(seeker_m, %(first)s), 0, 1 FROM i "
        "WHERE seeker_m < stop_m AND stop_m > %(first)s "
        "UNION ALL SELECT unit_id, stop_m, 0, -1 FROM i WHERE seeker_m < stop_m AND stop_m > %(first)s), "
        "per AS (SELECT unit_id, m, sum(d) AS d, sum(n) AS n FROM ev WHERE m <= %(last)s GROUP BY 1, 2) "
        "SELECT g.unit_id, g.m, sum(coalesce(per.n, 0)) OVER w AS n, sum(coalesce(per.d, 0)) OVER w AS d "
        f"FROM (SELECT u.unit_id, mo.m FROM (SELECT DISTINCT unit_id FROM i) u CROSS JOIN {MONTHS} mo) g "
        "LEFT JOIN per ON per.unit_id = g.unit_id AND per.m = g.m "
        "WINDOW w AS (PARTITION BY g.unit_id ORDER BY g.m)", PERCENT),
}

# A check beside the per-unit figures: the country's median delay to the first session per year.
COUNTRY_MEDIAN = (f"SELECT extract(year FROM started)::int, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY "
                  f"{_taken('started', 'stopped')}) FROM ({CLOCKS['first_session']}) i WHERE stopped IS NOT NULL "
                  "GROUP BY 1 ORDER BY 1")


def params(year_from: int, as_of: dt.date, deadlines: dict[str, int]) -> dict[str, Any]:
    last = as_of.replace(day=1)
    end = (last + dt.timedelta(days=32)).replace(day=1)
    return {"first": dt.date(year_from, 1, 1), "last": last, "end": end, "as_of": as_of, "age_from": 18,
            "age_to": 64, **{f"deadline_{k}": v for k, v in deadlines.items()}}


Cell = tuple[str, int, int, int]  # code, unit id, year, month
Figure = tuple[float, float | None, float | None]  # numerator, denominator, value


def run_queries(url: str, p: dict[str, Any], repeat: int, codes: list[str], *,
                jit: bool = False) -> tuple[dict[str, list[float]], dict[Cell, Figure]]:
    """Each indicator's query `repeat` times (interleaved); the seconds of each run and the last run's cells.

    JIT off unless `jit`: compiling these plans costs PostgreSQL 0.1-1.2 s a query here (the server's default, on,
    is measured once beside), and sakme's own queries are not slowed by it (measured by hand: 7.0 s on, 6.9 off)."""
    import psycopg

    seconds: dict[str, list[float]] = {code: [] for code in codes}
    cells: dict[Cell, Figure] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute(f"SET jit = {'on' if jit else 'off'}")
        for _ in range(repeat):
            for code in codes:
                started = time.perf_counter()
                rows = conn.execute(QUERIES[code], p).fetchall()
                seconds[code].append(time.perf_counter() - started)
                for unit_id, m, n, d, value in rows:
                    if not n and not d:
                        continue  # an empty cell of one unit is not stored by sakme either
                    cells[code, unit_id, m.year, m.month] = (float(n), None if d is None else float(d),
                                                             None if value is None else float(value))
    return seconds, cells


def ours(url: str, run_id: int) -> tuple[dict[Cell, Figure], dict[tuple[str, int | None], Figure]]:
    """The run's unit figures per month, and the country's per year (month None) and month."""
    import psycopg

    unit: dict[Cell, Figure] = {}
    country: dict[tuple[str, int, int | None], Figure] = {}
    with psycopg.connect(url) as conn:
        for code, level, unit_id, year, month, n, d, value in conn.execute(
                "SELECT d.code, v.level, v.unit_id, v.year, v.month, v.numerator, v.denominator, v.value "
                "FROM indicators_value v JOIN indicators_definition d ON d.id = v.definition_id WHERE v.run_id = %s "
                "AND (v.level = 'country' OR (v.level = 'unit' AND v.month IS NOT NULL))", [run_id]):
            if level == "unit":
                unit[code, unit_id, year, month] = (n, d, value)
            else:
                country[code, year, month] = (n, d, value)
    return unit, country  # type: ignore[return-value]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(codes: list[str], mine: dict[Cell, Figure], theirs: dict[Cell, Figure]) -> dict[str, dict[str, Any]]:
    """Per indicator: cells in each, cells only in one, cells whose figures differ, and the first few differences."""
    out: dict[str, dict[str, Any]] = {}
    for code in codes:
        a = {k: v for k, v in mine.items() if k[0] == code}
        b = {k: v for k, v in theirs.items() if k[0] == code}
        differ = [k for k in a.keys() & b.keys() if not all(_same(x, y) for x, y in zip(a[k], b[k], strict=True))]
        only_ours, only_sql = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
        examples = [{"cell": list(k[1:]), "ours": a.get(k), "sql": b.get(k)}
                    for k in (sorted(differ) + only_ours + only_sql)[:4]]
        out[code] = {"ours": len(a), "sql": len(b), "differ": len(differ), "only_ours": len(only_ours),
                     "only_sql": len(only_sql), "examples": examples}
    return out


def yearly_checks(mine: dict[Cell, Figure], theirs: dict[Cell, Figure], country: dict[Any, Figure],
                  p: dict[str, Any], url: str) -> list[list[Any]]:
    """Country figures per year from the hand-written cells against the run's: 2.1 (the year's last month), placements
    (the months' sum), and the median delay to a first session (its own query); then one unit-month's median."""
    import psycopg

    rows: list[list[Any]] = []
    years = range(p["first"].year, p["as_of"].year + 1)
    for year in years:
        last = 12 if year < p["as_of"].year else p["as_of"].month
        cells = [v for k, v in theirs.items() if k[0] == "2.1" and k[2] == year and k[3] == last]
        n, d = sum(c[0] for c in cells), sum(c[1] or 0 for c in cells)
        rows.append([f"2.1 country {year}", _fmt(country.get(("2.1", year, None))), f"{n:g}/{d:g} ({100 * n / d:.1f} %)"
                     if d else "—"])
    for year in years:
        n = sum(v[0] for k, v in theirs.items() if k[0] == "placements" and k[2] == year)
        rows.append([f"placements country {year}", _fmt(country.get(("placements", year, None))), f"{n:g}"])
    with psycopg.connect(url, autocommit=True) as conn:
        for year, n, median in conn.execute(COUNTRY_MEDIAN, p).fetchall():
            rows.append([f"median days to 1st session, country {year}",
                         _fmt(country.get(("delay.first_session.median", year, None))), f"{median:g} (n={n})"])
    month_cells = [(v[0], k) for k, v in theirs.items() if k[0] == "delay.first_session.median"
                   and (k[2], k[3]) != (p["as_of"].year, p["as_of"].month)]
    if month_cells:
        _, busiest = max(month_cells)
        rows.append([f"median days to 1st session, unit #{busiest[1]} {busiest[2]}-{busiest[3]:02d}",
                     _fmt(mine.get(busiest)), f"{theirs[busiest][2]:g} (n={theirs[busiest][0]:g})"])
    return rows


def _fmt(figure: Figure | None) -> str:
    if figure is None:
        return "—"
    n, d, value = figure
    if d:
        return f"{n:g}/{d:g} ({value:.1f} %)" if value is not None else f"{n:g}/{d:g}"
    return f"{value:g} (n={n:g})" if value is not None and value != n else f"{n:g}"


def summary(seconds: dict[str, list[float]]) -> dict[str, float]:
    return {code: statistics.median(s) for code, s in seconds.items()}
