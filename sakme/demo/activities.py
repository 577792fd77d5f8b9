"""The demo's record of the programme's activities: who of the demo staff attended the 2019 reference trainings and
working meetings, and this year's: a training and a working meeting already held, one planned, a staff allocation.
Written through the activities' services (validated and audited, as the system); loading again adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Role
from sakme.geo import activities
from sakme.geo.models import StaffAllocation, StaffPost, TerritorialUnit, Training

# Who goes to what: consultants and their heads to trainings; every member of staff on the employment component to
# working meetings.
TRAINED_ROLES = {Role.COUNSELLOR, Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD}

THIS_YEAR = [  # kind, how many days before today (negative: that many days ahead, planned), Georgian and English title
    ("training", 30, "ტრენინგი სამუშაოს მაძიებელთა პროფილირებისა და ინდივიდუალური სამოქმედო გეგმის შედგენის შესახებ",
     "Training on profiling job seekers and writing individual action plans"),
    ("working_meeting", 10, "სამუშაო შეხვედრა ტერიტორიული ერთეულების დასაქმების სპეციალისტებთან მიმდინარე წლის "
     "შედეგების განხილვის მიზნით", "Working meeting with the units' employment specialists on this year's results"),
    ("training", -21, "ტრენინგი დამსაქმებლებთან ურთიერთობისა და ვაკანსიების მიღების შესახებ",
     "Training on employer relations and taking in vacancies"),
]


def _staff(*, trained_only: bool) -> list[int]:
    posts = StaffPost.objects.filter(user__is_active=True, employment_component=True)
    if trained_only:
        posts = posts.filter(user__role__in=TRAINED_ROLES)
    return sorted(set(posts.values_list("user_id", flat=True)))


def _held_or_planned(today: dt.date, days_before: int) -> dt.date:
    """A date this year: `days_before` today (never before the 1st of January), or ahead of today when planned."""
    if days_before < 0:
        return today + dt.timedelta(days=-days_before)
    return max(dt.date(today.year, 1, 1), today - dt.timedelta(days=days_before))


@transaction.atomic
def demo_activities_load() -> int:
    """Attendees of the reference trainings (where none are recorded), this year's trainings and meetings and a staff
    allocation of the demo staff's unit. Returns how many records were written or completed."""
    today = timezone.localdate()
    written = 0
    trained, everyone = _staff(trained_only=True), _staff(trained_only=False)
    for training in Training.objects.filter(date__lte=today, attendees__isnull=True).order_by("date"):
        people = trained if training.kind == Training.Kind.TRAINING else everyone
        if people:
            activities.training_save(actor=SYSTEM, training_id=training.pk, expected_version=training.version,
                                     kind=training.kind, date=training.date, days=training.days,
                                     title_ka=training.title_ka, title_en=training.title_en, attendees=people)
            written += 1
    for kind, days_before, title_ka, title_en in THIS_YEAR:
        if Training.objects.filter(title_en=title_en).exists():
            continue
        date = _held_or_planned(today, days_before)
        people = [] if date > today else (trained if kind == Training.Kind.TRAINING else everyone)
        activities.training_save(actor=SYSTEM, kind=kind, date=date, title_ka=title_ka, title_en=title_en,
                                 attendees=people)
        written += 1
    unit = TerritorialUnit.objects.filter(code="TB-2").first()
    if unit is not None and not StaffAllocation.objects.filter(unit=unit, date__year=today.year).exists():
        activities.staff_allocation_save(
            actor=SYSTEM, unit_id=unit.pk, date=_held_or_planned(today, 45), staff_units=6,
            reason_ka="თბილისის სერვის ცენტრი №2-ის დასაქმების კომპონენტის გაძლიერება სამუშაოს მაძიებელთა მზარდი "
                      "რაოდენობის გამო",
            reason_en="Tbilisi Service Centre No. 2's employment component reinforced for the growing number of job "
                      "seekers")
        written += 1
    return written
