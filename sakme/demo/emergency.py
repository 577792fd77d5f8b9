"""Demo: a counsellor of Kutaisi who opened a person of the demo unit (TB-2) because she came to the Kutaisi
office, so that the demo unit head and the data-protection officer find an opening to review."""

from __future__ import annotations

from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.accounts.roles import Role
from sakme.accounts.services import user_create
from sakme.geo.models import StaffPost, TerritorialUnit
from sakme.registry import personal_numbers
from sakme.registry.emergency import emergency_access_open
from sakme.registry.models import EmergencyAccess, Person

USERNAME = "counsellor_kutaisi"
REASON = "მოვიდა ქუთაისის ოფისში: საცხოვრებელი მისამართი შეეცვალა"


def demo_emergency_access_load(password: str) -> int:
    """One opening (again on every load, as openings lapse after a few hours); returns how many were made."""
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = user_create(actor=SYSTEM, username=USERNAME, password=password, role=Role.COUNSELLOR,
                           first_name="მაკა", last_name="ჯაფარიძე")
        StaffPost.objects.create(user=user, unit=TerritorialUnit.objects.get(code="IM-KUT"))
    if EmergencyAccess.objects.filter(user=user).exists():
        return 0
    walk_in = (Person.objects.filter(unit__code="TB-2", personal_number_sealed__isnull=False)
               .order_by("pk").first())
    if walk_in is None or walk_in.personal_number_sealed is None:
        return 0
    number = personal_numbers.unseal(walk_in.personal_number_sealed)
    emergency_access_open(actor=user, personal_number=number, reason=REASON)
    return 1
