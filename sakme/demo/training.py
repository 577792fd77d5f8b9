"""Demo training providers and programmes of the state vocational training and retraining programme, with
intakes before, around and after today, so that referrals to training have somewhere to go."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.audit import services as audit
from sakme.employment.models import TrainingIntake, TrainingProgramme, TrainingProvider
from sakme.geo.models import Municipality, Region

# ISCO-08 unit group -> the course's name (Georgian), as the programme's catalogue names them.
COURSES = {
    "7411": "ელექტრიკოსი", "5120": "მზარეული", "7212": "შემდუღებელი", "3221": "ექთნის თანაშემწე",
    "5141": "პარიკმახერი", "7231": "ავტომექანიკოსი", "2512": "ვებ-პროგრამისტი", "4110": "საოფისე საქმის მწარმოებელი",
    "7112": "კალატოზი", "6111": "მებოსტნე", "5131": "მიმტანი", "7126": "სანტექნიკოსი", "7115": "დურგალი",
    "3512": "ინფორმაციული ტექნოლოგიების მხარდაჭერის ტექნიკოსი", "5321": "ჯანდაცვის ასისტენტი",
    "4311": "ბუღალტრის ასისტენტი", "3434": "შეფ-მზარეული", "4226": "რეცეფციონისტი", "5142": "კოსმეტოლოგი",
}
KINDS = ("პროფესიული მომზადება", "გადამზადება", "კვალიფიკაციის ამაღლება")


def demo_training_load(*, seed: int) -> int:
    """Providers in every region (more in Tbilisi), 3–5 programmes each, intakes every four months from
    two years ago to a year ahead. Returns the number of programmes written (0 when there are some already)."""
    if TrainingProvider.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    places: list[Municipality] = []
    for region in Region.objects.prefetch_related("municipalities").order_by("code"):
        municipalities = sorted(region.municipalities.all(), key=lambda m: m.code)
        places += municipalities[:3] if len(municipalities) > 3 else municipalities[:1]
    with transaction.atomic():
        providers = TrainingProvider.objects.bulk_create(
            TrainingProvider(name=f"პროფესიული კოლეჯი „{m.name_ka}“ {i + 1}", tax_id=f"2049{i:05d}", municipality=m,
                             address=f"{m.name_ka}, განათლების ქ. {rng.randint(1, 60)}",
                             contact_phone=f"5{rng.randrange(10**8):08d}",
                             contact_email=f"info{i + 1}@college.example.ge")
            for i, m in enumerate(places))
        programmes = TrainingProgramme.objects.bulk_create(
            TrainingProgramme(provider=provider, occupation_id=code, title=f"{COURSES[code]} — {rng.choice(KINDS)}",
                              duration_weeks=rng.choice((8, 12, 16, 24, 36)), capacity=rng.choice((12, 15, 20, 25)),
                              is_active=rng.random() > 0.05)
            for provider in providers for code in rng.sample(sorted(COURSES), rng.randint(3, 5)))
        intakes = []
        for programme in programmes:
            start = dt.date(today.year - 2, rng.choice((1, 2, 3, 4)), 1)
            while start <= today + dt.timedelta(days=365):
                intakes.append(TrainingIntake(programme=programme, starts_on=start,
                                              applications_close_on=start - dt.timedelta(days=rng.choice((7, 10, 14)))))
                start = dt.date(start.year + (start.month + 3) // 12, (start.month + 3) % 12 + 1, 1)
        TrainingIntake.objects.bulk_create(intakes)
        audit.record(actor=SYSTEM, action="demo.training", entity_type="employment.trainingprogramme",
                     changes={"providers": len(providers), "programmes": len(programmes), "intakes": len(intakes)})
    return len(programmes)
