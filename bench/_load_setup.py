"""The Django side of `bench/load.py`: staff to sign in as, their signed-in sessions and what the mix requests.

Run by `load.py` as `python bench/_load_setup.py --worker <task> --args <json>` with the bench database's
environment (DATABASE_URL, SAKME_DEMO=1, SAKME_VAR_DIR, SAKME_SECRET_KEY), so that Django is configured for the
bench database and its keyring, never the default one. Prints one `BENCH-JSON {...}` line (see `_common.py`).

Tasks:
  staff     the load's staff (`load-0000`...): per unit 4 counsellors, 1 unit head, 1 employer-relations
            specialist, posted to the units with the most cases; the units' cases shared among their counsellors
            (their "today" lists are then like a working counsellor's). Idempotent: existing staff are kept.
  fixtures  a fresh signed-in session per staff member (as `Client.force_login` makes one; earlier runs' sessions
            are deleted) and, per unit, the ids the mix draws from and search queries drawn from its persons.
  counts    rows of the main tables, for the report.
"""

from __future__ import annotations

import math
import random
import sys
import time
from typing import Any

from _common import worker_main

PER_UNIT = ("counsellor",) * 4 + ("unit_head", "employer_relations")
PREFIX = "load-"
SAMPLE = 400  # ids of each kind kept per unit
QUERIES = 300  # search queries per unit
LETTERS = "abdegiklmnoprstuvz"


def _layout(staff: int) -> list[tuple[str, str, int]]:
    """(username, role, unit index) of each staff member; any first n of them hold the roles about 4:1:1 and the
    counsellors, heads and specialists each go round the units."""
    units = max(1, math.ceil(staff / len(PER_UNIT)))
    seen: dict[str, int] = {}
    out = []
    for k in range(staff):
        role = PER_UNIT[k % len(PER_UNIT)]
        n = seen.get(role, 0)
        seen[role] = n + 1
        out.append((f"{PREFIX}{k:04d}", role, n % units))
    return out


def task_staff(staff: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.db.models import Count

    from sakme.accounts.actors import SYSTEM
    from sakme.accounts.models import User
    from sakme.accounts.roles import Role
    from sakme.accounts.services import user_create
    from sakme.casework.models import Case
    from sakme.geo.models import StaffPost, TerritorialUnit

    layout = _layout(staff)
    wanted_units = 1 + max(u for _, _, u in layout)
    busiest = [row["unit_id"] for row in Case.objects.values("unit_id").annotate(n=Count("id")).order_by("-n", "unit_id")
               [:wanted_units]]
    if len(busiest) < wanted_units:  # fewer units with cases than wanted: fill up with the other units
        busiest += list(TerritorialUnit.objects.exclude(pk__in=busiest).order_by("pk")
                        .values_list("pk", flat=True)[: wanted_units - len(busiest)])
    existing = set(User.objects.filter(username__startswith=PREFIX).values_list("username", flat=True))
    created = 0
    started = time.perf_counter()
    with transaction.atomic():
        for username, role, unit_index in layout:
            if username in existing:
                continue
            user = user_create(actor=SYSTEM, username=username, password=f"bench-{random.getrandbits(64):x}-load",
                               role=Role(role), first_name="Load", last_name=username)
            StaffPost.objects.create(user=user, unit_id=busiest[unit_index])
            created += 1
    # The units' cases shared among their counsellors of the load (round robin by case id).
    shared = 0
    if created:
        by_unit: dict[int, list[int]] = {}
        for user_id, unit_id in StaffPost.objects.filter(user__username__startswith=PREFIX, user__role="counsellor",
                                                         unit__isnull=False).order_by("user_id").values_list(
                                                             "user_id", "unit_id"):
            by_unit.setdefault(unit_id, []).append(user_id)
        with connection.cursor() as cursor:
            for unit_id, ids in by_unit.items():
                cursor.execute("UPDATE casework_case SET counsellor_id = (%s::bigint[])[1 + id %% %s] "
                               "WHERE unit_id = %s", [ids, len(ids), unit_id])
                shared += cursor.rowcount
    return {"staff": staff, "created": created, "cases_shared": shared, "units": len(set(busiest)),
            "seconds": round(time.perf_counter() - started, 1)}


def _typo(name: str, rng: random.Random) -> str | None:
    from sakme.common.georgian import fold

    lower = name.replace("'", "").lower()
    if len(lower) < 4:
        return None
    for _attempt in range(20):
        at = rng.randrange(1, len(lower))
        how = rng.randrange(3)
        typo = (lower[:at] + rng.choice(LETTERS) + lower[at + 1:] if how == 0 else
                lower[:at] + lower[at + 1:] if how == 1 else lower[:at] + rng.choice(LETTERS) + lower[at:])
        if fold(typo) != fold(lower):
            return typo
    return None


# What staff type in the search box: (kind, share).
QUERY_KINDS = (("ka", 30), ("latin", 30), ("prefix", 10), ("family", 10), ("typo", 10), ("pn", 10))


def _queries(unit_id: int, rng: random.Random) -> list[list[str]]:
    """Search queries drawn from the unit's persons: Georgian or Latin full names (either order), a family name
    and the start of a given name, a family name alone, a typo, a whole personal number."""
    from sakme.registry import personal_numbers
    from sakme.registry.models import Person

    persons = list(Person.objects.filter(unit_id=unit_id).order_by("?")[: QUERIES * 2].only(
        "id", "personal_number_sealed", "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat"))
    kinds = [k for k, _ in QUERY_KINDS]
    weights = [w for _, w in QUERY_KINDS]
    out: list[list[str]] = []
    for p in persons:
        if len(out) >= QUERIES:
            break
        kind = rng.choices(kinds, weights)[0]
        query: str | None
        if kind == "ka":
            query = f"{p.family_name_ka} {p.given_name_ka}" if p.family_name_ka else None
        elif kind == "latin":
            query = (f"{p.given_name_lat} {p.family_name_lat}" if rng.random() < 0.5
                     else f"{p.family_name_lat} {p.given_name_lat}").replace("'", "" if rng.random() < 0.5 else "'")
        elif kind == "prefix":
            query = f"{p.family_name_lat} {p.given_name_lat[:rng.randint(2, 4)]}".lower()
        elif kind == "family":
            query = p.family_name_lat if rng.random() < 0.5 else p.family_name_ka
        elif kind == "typo":
            family = _typo(p.family_name_lat, rng)
            query = f"{family} {p.given_name_lat.replace(chr(39), '').lower()}" if family else None
        else:
            query = personal_numbers.unseal(p.personal_number_sealed) if p.personal_number_sealed else None
        if query and query.strip():
            out.append([kind, query])
    return out


def task_fixtures(seed: int, old_sessions: list[str]) -> dict[str, Any]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from sakme.accounts import session_limits
    from sakme.casework.models import Case, GroupSession
    from sakme.employment.models import Employer, Vacancy
    from sakme.geo.models import StaffPost
    from sakme.registry.models import Person

    rng = random.Random(seed)
    Session.objects.filter(session_key__in=old_sessions).delete()
    posts = list(StaffPost.objects.filter(user__username__startswith=PREFIX, unit__isnull=False)
                 .select_related("user").order_by("user__username"))
    staff = []
    for post in posts:
        user = post.user
        # What django.contrib.auth.login (and Client.force_login) puts in the session; then the session limits'
        # clocks, as the sign-in page starts them. These roles need no second factor.
        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[session_limits.STARTED] = session[session_limits.SEEN] = session_limits.now()
        session.create()
        staff.append({"username": user.username, "role": user.role, "unit": post.unit_id,
                      "session": session.session_key})
    units: dict[str, dict[str, Any]] = {}
    for unit_id in sorted({s["unit"] for s in staff}):
        cases = list(Case.objects.filter(unit_id=unit_id).order_by("?").values_list("id", flat=True)[:SAMPLE])
        units[str(unit_id)] = {
            "persons": list(Person.objects.filter(unit_id=unit_id).order_by("?").values_list("id", flat=True)[:SAMPLE]),
            "cases": cases,
            "employers": list(Employer.objects.filter(unit_id=unit_id).values_list("id", flat=True)[:SAMPLE]),
            "vacancies": list(Vacancy.objects.filter(unit_id=unit_id).values_list("id", flat=True)[:SAMPLE]),
            "group_sessions": list(GroupSession.objects.filter(unit_id=unit_id).values_list("id", flat=True)[:SAMPLE]),
            "queries": _queries(unit_id, rng),
        }
    return {"staff": staff, "units": units}


def task_counts() -> dict[str, Any]:
    from django.db import connection

    tables = {"persons": "registry_person", "households": "registry_household", "cases": "casework_case",
              "case events": "casework_caseevent", "sessions": "casework_counsellingsession",
              "employers": "employment_employer", "vacancies": "employment_vacancy",
              "access events": "audit_accessevent"}
    with connection.cursor() as cursor:
        counts = {}
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[label] = cursor.fetchone()[0]
    return counts


if __name__ == "__main__":
    worker_main({"staff": task_staff, "fixtures": task_fixtures, "counts": task_counts}, sys.argv)
