"""Reads of the employment app that hold no personal data: occupations and training programmes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sakme.employment.models import Occupation, TrainingProgramme, WorkHistoryEntry


def occupation_search(*, query: str, limit: int = 20) -> list[Occupation]:
    """ISCO-08 unit groups whose code starts with the query or whose Georgian or English title contains every
    word of it; codes first, then by code."""
    words = query.split()
    if not words:
        return []
    rows = Occupation.objects.filter(level=4)
    if len(words) == 1 and words[0].isdigit():
        return list(rows.filter(code__startswith=words[0]).order_by("code")[:limit])
    for word in words:
        rows = rows.filter(Q(title_ka__icontains=word) | Q(title_en__icontains=word) | Q(code__startswith=word))
    return list(rows.order_by("code")[:limit])


def work_history(*, job_seeker_id: int) -> QuerySet[WorkHistoryEntry]:
    """A job seeker's jobs, the latest first, with their occupation."""
    return WorkHistoryEntry.objects.filter(job_seeker_id=job_seeker_id).select_related("occupation")


def programmes(*, occupation: str = "", municipality: str = "",
               active_only: bool = True) -> QuerySet[TrainingProgramme]:
    """Programmes of the state vocational training programme, filtered by occupation (an ISCO-08 code or its
    start, or words of the occupation's or the programme's title) and by the provider's municipality; provider,
    municipality and occupation joined."""
    rows = TrainingProgramme.objects.select_related("provider__municipality", "occupation")
    if active_only:
        rows = rows.filter(is_active=True)
    words = occupation.split()
    if len(words) == 1 and words[0].isdigit():
        rows = rows.filter(occupation__code__startswith=words[0])
    else:
        for word in words:
            rows = rows.filter(Q(occupation__title_ka__icontains=word) | Q(occupation__title_en__icontains=word)
                               | Q(title__icontains=word))
    if municipality:
        rows = rows.filter(provider__municipality__code=municipality)
    return rows.order_by("title", "pk")
