"""The demo's staff and group work: two counsellors in every unit (who carry the cases, so a unit's caseload per
counsellor means something) and the group consultation sessions each unit held, with who was invited and who came.
Written in bulk, as the rest of the demo; loading again adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.accounts.roles import Role
from sakme.audit import services as audit
from sakme.casework.models import Case, GroupParticipant, GroupSession
from sakme.demo.names import FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES
from sakme.geo.models import StaffPost, TerritorialUnit

COUNSELLORS_PER_UNIT = 2
TOPICS = ("CV-ის მომზადება", "გასაუბრებისთვის მზადება", "შრომის ბაზრის მიმოხილვა რეგიონში",
          "სამუშაოს ძიების არხები", "ციფრული უნარები სამუშაოს ძიებისთვის", "პროფესიული გადამზადების შესაძლებლობები")


def _name(rng: random.Random) -> tuple[str, str]:
    given = FEMALE_GIVEN_NAMES if rng.random() < 0.7 else MALE_GIVEN_NAMES  # most consultants are women
    return (rng.choices([n for n, _ in given], [w for _, w in given])[0],
            rng.choices([n for n, _ in FAMILY_NAMES], [w for _, w in FAMILY_NAMES])[0])


@transaction.atomic
def demo_staff_load(*, seed: int) -> int:
    """Counsellors (who cannot sign in: no password) for the units that have none. Returns how many were made."""
    rng = random.Random(seed)
    staffed = set(StaffPost.objects.filter(user__role=Role.COUNSELLOR, unit__isnull=False)
                  .values_list("unit_id", flat=True))
    units = list(TerritorialUnit.objects.filter(is_active=True).exclude(pk__in=staffed).order_by("code"))
    users = []
    for unit in units:
        for i in range(1, COUNSELLORS_PER_UNIT + 1):
            given, family = _name(rng)
            users.append(User(username=f"c.{unit.code.lower()}.{i}", role=Role.COUNSELLOR, first_name=given,
                              last_name=family, password=make_password(None)))
    User.objects.bulk_create(users)
    made = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    StaffPost.objects.bulk_create(StaffPost(user=made[f"c.{unit.code.lower()}.{i}"], unit=unit,
                                            since=dt.date(2017, 1, 9))
                                  for unit in units for i in range(1, COUNSELLORS_PER_UNIT + 1))
    audit.record(actor=SYSTEM, action="demo.staff", entity_type="accounts.user", changes={"counsellors": len(users)})
    return len(users)


@transaction.atomic
def demo_group_sessions_load(*, seed: int) -> int:
    """Every unit, about every two months since its first case: a session for up to eight of the job seekers whose
    case was open that day, most of whom came. Returns how many sessions were written (0 when there are some)."""
    if GroupSession.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    by_unit: dict[int, list[tuple[int, dt.date, dt.date | None, int | None]]] = {}
    for row in Case.objects.values_list("pk", "opened_on", "closed_on", "counsellor_id", "unit_id"):
        by_unit.setdefault(row[4], []).append(row[:4])
    sessions, invited = [], []
    for unit_id, cases in sorted(by_unit.items()):
        day = min(c[1] for c in cases) + dt.timedelta(days=rng.randrange(20, 60))
        while day <= today:
            open_then = [c for c in cases if c[1] < day and (c[2] is None or c[2] > day)]
            if open_then:
                chosen = rng.sample(open_then, min(len(open_then), rng.randint(3, 8)))
                sessions.append(GroupSession(unit_id=unit_id, topic=rng.choice(TOPICS), held_on=day,
                                             facilitator_id=chosen[0][3]))
                invited.append([(c[0], rng.random() < 0.75) for c in chosen])
            day += dt.timedelta(days=rng.randrange(45, 75))
    GroupSession.objects.bulk_create(sessions, batch_size=5000)
    GroupParticipant.objects.bulk_create((GroupParticipant(session=s, case_id=case_id, attended=came)
                                          for s, people in zip(sessions, invited, strict=True)
                                          for case_id, came in people), batch_size=5000)
    audit.record(actor=SYSTEM, action="demo.group_sessions", entity_type="casework.groupsession",
                 changes={"sessions": len(sessions)})
    return len(sessions)
