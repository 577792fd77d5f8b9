"""How long each kind of record is kept (days), from settings.SAKME_RETENTION over these defaults.

Persons known only to Worknet (never to the social-assistance registry, which the law keeps), with no case open or
closed within the period and no record imported within it, are anonymised: names, personal number, address, phone
and the day and month of birth go, with what staff wrote about them in free text (notes, goals, skills, work
history); sex, year of birth, municipality, unit and the cases' dates and outcomes stay for the statistics.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_DAYS = {
    "access_events": 2 * 365,  # who saw whom: two years, for complaints and the data-protection officer
    "audit_events": 10 * 365,  # who changed what: ten years
    "job_seekers": 5 * 365,  # Worknet-only persons after their last case or registration
    "import_problems": 365,  # the rows a source file had wrong (values masked, still about persons)
    "import_files": 30,  # the stored copies of uploaded files
}


def retention_days() -> dict[str, int]:
    return {**DEFAULT_DAYS, **getattr(settings, "SAKME_RETENTION", {})}
