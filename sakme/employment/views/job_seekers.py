"""The job seeker's profile: view, edit (versioned: a concurrent edit is shown, never lost), work history
rows added, corrected and removed in place with htmx, and the ISCO-08 occupation picker's search."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from sakme.common.pages import refusal_of, refuse_form, render_form, say_refusal
from sakme.employment import access, selectors, services
from sakme.employment.forms import ProfileForm, WorkHistoryForm
from sakme.employment.models import JobSeeker, Occupation, WorkHistoryEntry
from sakme.geo.access import requires

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")


def _seeker(request: AuthedRequest, job_seeker_id: int) -> JobSeeker:
    return access.job_seeker_get_for_user(request.user, job_seeker_id, context=request.path)


def _case_id(request: HttpRequest) -> int | None:
    """The case the user came from (`?case=`), for the way back to it."""
    value = request.GET.get("case") or request.POST.get("case") or ""
    return int(value) if value.isascii() and value.isdigit() else None


def _profile_url(seeker_id: int, case_id: int | None) -> str:
    url = reverse("employment:job_seeker", args=[seeker_id])
    return f"{url}?case={case_id}" if case_id else url


@require_GET
@vary_on_headers("HX-Request")
@requires(Capability.CASE_VIEW)
def profile(request: AuthedRequest, job_seeker_id: int) -> HttpResponse:
    """The job seeker's profile: what the registry knows, what the counsellor recorded, the work history."""
    seeker = _seeker(request, job_seeker_id)
    return render(request, "employment/job_seeker.html", _context(request, seeker))


def _context(request: AuthedRequest, seeker: JobSeeker, **extra: Any) -> dict[str, Any]:
    return {"seeker": seeker, "person": seeker.person, "case_id": _case_id(request),
            "work": list(selectors.work_history(job_seeker_id=seeker.pk)),
            "work_form": WorkHistoryForm(prefix="w"), **extra}


def _work_section(request: AuthedRequest, seeker: JobSeeker, *, refusal: DomainError | None = None,
                  **extra: Any) -> HttpResponse:
    """After a change of the work history: the section alone for htmx, else back to the profile page; a refusal
    is said there with its code (and, for htmx, its status)."""
    if request.htmx:
        fresh = access.job_seekers_for_user(request.user).select_related("person", "unit").prefetch_related(
            "occupations_sought", "occupations_held", "preferred_municipalities").get(pk=seeker.pk)
        context = _context(request, fresh, oob=True, error=refusal.message if refusal else "", **extra)
        response = render(request, "employment/job_seeker.html#work", context)
        if refusal is not None:
            response["X-Error-Code"] = refusal.code
        return response
    if refusal is not None:
        say_refusal(request, refusal)
    if extra.get("notice"):
        messages.success(request, extra["notice"])
    return redirect(_profile_url(seeker.pk, _case_id(request)))


@require_http_methods(["GET", "POST"])
@requires(Capability.CASE_WORK)
def profile_edit(request: AuthedRequest, job_seeker_id: int) -> HttpResponse:
    """Edit the profile. When someone else saved it since it was opened, the form comes back with this user's
    values and a list of what now differs, to check and save again."""
    seeker = _seeker(request, job_seeker_id)
    case_id = _case_id(request)
    conflicts: list[dict[str, Any]] = []
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.job_seeker_update(actor=request.user, job_seeker_id=seeker.pk, expected_version=version,
                                           **data)
            except ConcurrentEdit as exc:
                fresh = access.job_seekers_for_user(request.user).prefetch_related(
                    "occupations_sought", "occupations_held", "preferred_municipalities").get(pk=seeker.pk)
                conflicts = _conflicts(form, ProfileForm.initial_for(fresh), data)
                posted = request.POST.copy()
                posted["version"] = str(fresh.version)  # saving again now keeps what this form shows
                form = ProfileForm(posted)
                form.is_valid()
                refuse_form(form, exc)
            except DomainError as exc:
                refuse_form(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect(_profile_url(seeker.pk, case_id))
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(seeker))
    context = {"seeker": seeker, "person": seeker.person, "form": form, "conflicts": conflicts, "case_id": case_id}
    return render_form(request, "employment/job_seeker_edit.html", context, form=form)


def _conflicts(form: ProfileForm, saved: dict[str, Any], mine: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields whose saved value (someone else's) differs from what this user submitted."""
    rows = []
    for name, value in mine.items():
        theirs = saved.get(name)
        if _comparable(theirs) != _comparable(value):
            rows.append({"label": form.fields[name].label, "saved": _shown(form, name, theirs),
                         "mine": _shown(form, name, value)})
    return rows


def _comparable(value: Any) -> Any:
    return sorted(value) if isinstance(value, list | tuple) else (value if value not in ("", None) else None)


def _shown(form: ProfileForm, name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    choices = dict(_flat(getattr(form.fields[name], "choices", [])))
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(choices.get(value, value))


def _flat(choices: Any) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat


def _work_refused(request: AuthedRequest, seeker: JobSeeker, exc: DomainError, **extra: Any) -> HttpResponse:
    if isinstance(exc, PermissionDenied | NotFound):
        raise exc
    return _work_section(request, seeker, refusal=exc, **extra)


@require_POST
@requires(Capability.CASE_WORK)
def work_add(request: AuthedRequest, job_seeker_id: int) -> HttpResponse:
    """Add a job to the work history."""
    seeker = _seeker(request, job_seeker_id)
    form = WorkHistoryForm(request.POST, prefix="w")
    if not form.is_valid():
        return _work_section(request, seeker, work_form=form, refusal=refusal_of(form))
    data = dict(form.cleaned_data)
    data.pop("version", None)
    try:
        services.work_history_add(actor=request.user, job_seeker_id=seeker.pk,
                                  occupation_code=data.pop("occupation"), **data)
    except DomainError as exc:
        return _work_refused(request, seeker, exc, work_form=form)
    return _work_section(request, seeker, notice=_("Job added to the work history."))


def _entry(seeker: JobSeeker, entry_id: int) -> WorkHistoryEntry:
    entry = WorkHistoryEntry.objects.select_related("occupation").filter(pk=entry_id, job_seeker=seeker).first()
    if entry is None:
        raise NotFound(_("No such job in this work history."))
    return entry


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@requires(Capability.CASE_WORK)
def work_edit(request: AuthedRequest, job_seeker_id: int, entry_id: int) -> HttpResponse:
    """Correct a job of the work history: the row turns into a form in place (htmx) or a page of its own."""
    seeker = _seeker(request, job_seeker_id)
    entry = _entry(seeker, entry_id)
    if request.method == "POST":
        form = WorkHistoryForm(request.POST, prefix=f"e{entry.pk}")
        if not form.is_valid():
            return _work_section(request, seeker, refusal=refusal_of(form))
        data = dict(form.cleaned_data)
        try:
            services.work_history_change(actor=request.user, job_seeker_id=seeker.pk, entry_id=entry.pk,
                                         expected_version=data.pop("version"), occupation_code=data.pop("occupation"),
                                         **data)
        except DomainError as exc:
            return _work_refused(request, seeker, exc)
        return _work_section(request, seeker, notice=_("Work history corrected."))
    form = WorkHistoryForm(prefix=f"e{entry.pk}", initial={
        "occupation": [entry.occupation_id], "job_title": entry.job_title, "employer_name": entry.employer_name,
        "started_on": entry.started_on, "ended_on": entry.ended_on, "version": entry.version})
    context = {"seeker": seeker, "person": seeker.person, "entry": entry, "form": form, "case_id": _case_id(request)}
    template = "employment/work_entry_form.html#entry" if request.htmx else "employment/work_entry_form.html"
    return render(request, template, context)


@require_POST
@requires(Capability.CASE_WORK)
def work_remove(request: AuthedRequest, job_seeker_id: int, entry_id: int) -> HttpResponse:
    """Remove a job from the work history (the version the user saw must still be current)."""
    seeker = _seeker(request, job_seeker_id)
    entry = _entry(seeker, entry_id)
    version = request.POST.get("version", "")
    try:
        if not (version.isascii() and version.isdigit()):
            raise DomainError(_("The page sent no version of this job: reload it and remove the job again."),
                              code="invalid")
        services.work_history_remove(actor=request.user, job_seeker_id=seeker.pk, entry_id=entry.pk,
                                     expected_version=int(version))
    except DomainError as exc:
        return _work_refused(request, seeker, exc)
    return _work_section(request, seeker, notice=_("Job removed from the work history."))


@require_GET
@vary_on_headers("HX-Request")
def occupations(request: HttpRequest) -> HttpResponse:
    """The occupation picker's answers: occupations matching `q`, or (with `pick`) one chosen occupation as a
    ticked box to add to the form."""
    field, into = request.GET.get("field", "occupations"), request.GET.get("into", "id_occupations")
    if not (_FIELD_NAME.match(field) and _FIELD_NAME.match(into)):
        return HttpResponseBadRequest(_("Unknown form field."))
    multiple = request.GET.get("multiple", "1") != "0"
    pick = request.GET.get("pick", "")
    if pick:
        occupation = Occupation.objects.filter(code=pick, level=4).first()
        if occupation is None:
            return HttpResponseBadRequest(_("%(code)s is not an ISCO-08 unit group.") % {"code": pick})
        return render(request, "employment/widgets/occupation_choice.html",
                      {"o": occupation, "name": field, "multiple": multiple})
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "employment/widgets/occupation_results.html", {
        "found": selectors.occupation_search(query=query), "q": query, "field": field, "into": into,
        "multiple": multiple})
