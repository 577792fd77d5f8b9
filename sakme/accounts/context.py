from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from sakme.accounts.roles import Capability


def site(request: HttpRequest) -> dict[str, object]:
    """Values every page template needs: the demo flag and what the user's role may open."""
    user = getattr(request, "user", None)
    can = user.can if user is not None and user.is_authenticated else (lambda capability: False)
    return {
        "DEMO": settings.DEMO,
        "perms_person_view": can(Capability.PERSON_VIEW),
        "perms_import": can(Capability.IMPORT_RUN),
        "perms_admin": can(Capability.ADMIN_SITE),
        "perms_case_work": can(Capability.CASE_WORK),
        "perms_employer_services": can(Capability.EMPLOYER_SERVICES),
        "perms_linkage": can(Capability.LINKAGE_REVIEW),
        "perms_emergency_access": can(Capability.EMERGENCY_ACCESS),
        "perms_emergency_review": can(Capability.EMERGENCY_ACCESS_REVIEW),
        "perms_indicator_view": can(Capability.INDICATOR_VIEW),
        "perms_activity_record": can(Capability.ACTIVITY_RECORD),
        "perms_application_view": can(Capability.APPLICATION_VIEW),
        "perms_application_work": can(Capability.APPLICATION_WORK),
        "perms_outreach_view": can(Capability.OUTREACH_VIEW),
        "perms_survey_record": can(Capability.SURVEY_RECORD),
        "perms_survey_results": can(Capability.SURVEY_RESULTS),
        "perms_caseload_supervise": can(Capability.CASELOAD_SUPERVISE),
    }
