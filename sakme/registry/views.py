"""Pages of the registry: finding and viewing persons, and the data steward's imports. Thin: parse, call one service
or getter, render; a refusal travels up to the error page (`sakme.common.middleware`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.audit.models import AccessKind
from sakme.audit.selectors import access_history
from sakme.audit.services import record_access
from sakme.common.errors import DomainError
from sakme.common.pages import perform, refusal_of, refuse_form, render_form
from sakme.geo.access import requires
from sakme.registry import access, emergency, merges, reveal, selectors, services
from sakme.registry.forms import EmergencyAccessForm, ImportForm, RevealForm, SearchForm
from sakme.registry.models import ImportBatch, PersonMerge


@requires(Capability.PERSON_VIEW)
@vary_on_headers("HX-Request")
def search(request: AuthedRequest) -> HttpResponse:
    """Find a person by personal number or name (either script, variants and typos tolerated)."""
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"]:
        result = selectors.person_search(user=request.user, query=form.cleaned_data["q"], filters=form.filters())
    template = "registry/search.html#results" if request.htmx else "registry/search.html"
    return render(request, template, {"form": form, "result": result})


@requires(Capability.PERSON_VIEW)
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A person of the user's units, their household and source records (an access event)."""
    try:
        person = access.person_get_for_user(request.user, person_id, context=request.path)
    except access.PersonMerged as moved:  # the person lives on in another: go there, saying so
        messages.info(request, _("Person %(p)s was merged into this person: their records are here now.")
                      % {"p": person_id})
        return redirect("registry:person", moved.survivor_id)
    context = {"person": person, **selectors.person_page(person=person)}
    others = [m.person_id for m in context["members"] if m.person_id != person.pk]
    others += [m.merged_id for m in context["merges"]]
    record_access(actor=request.user, person_ids=others, kind=AccessKind.LISTED, context=request.path)
    context["perms_reveal"] = request.user.can(Capability.PERSON_NUMBER_REVEAL)
    context["perms_merge"] = request.user.can(Capability.PERSON_MERGE)
    if request.user.can(Capability.ACCESS_LOG_VIEW):
        seen_as = [person.pk, *(m.merged_id for m in context["merges"] if m.unmerged_at is None)]
        context["accesses"] = list(access_history(person_ids=seen_as))
    return render(request, "registry/person.html", context)


@requires(Capability.PERSON_MERGE)
@require_POST
def person_unmerge(request: AuthedRequest, merge_id: int) -> HttpResponse:
    """Undo a merge: both persons back as they were (or why not), on the survivor's page."""
    survivor = PersonMerge.objects.filter(pk=merge_id).values_list("survivor_id", "survivor__merged_into_id").first()
    back_to = (survivor[1] or survivor[0]) if survivor else 0  # where the survivor is now
    return perform(request, lambda: merges.person_unmerge(actor=request.user, merge_id=merge_id),
                   success=lambda m: _("Unmerged: person %(p)s is a person of their own again.") % {"p": m.merged_id},
                   to=reverse("registry:person", args=[back_to]))


@requires(Capability.PERSON_NUMBER_REVEAL)
@require_http_methods(["GET", "POST"])
def person_number_reveal(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Ask why, then show the whole personal number once (the reveal and its reason are logged)."""
    form = RevealForm(request.POST or None)
    number = None
    if request.method == "POST":
        if not form.is_valid():
            refuse_form(form, refusal_of(form))
        else:
            try:
                number = reveal.personal_number_reveal(actor=request.user, person_id=person_id,
                                                       reason=form.cleaned_data["reason"])
            except DomainError as exc:
                refuse_form(form, exc)
    person = access.person_get_for_user(request.user, person_id, context=request.path) if number is None else None
    context = {"form": form, "number": number, "person_id": person_id, "person": person}
    return render_form(request, "registry/reveal.html", context, form=form)


@requires(Capability.EMERGENCY_ACCESS)
@require_http_methods(["GET", "POST"])
def emergency_access(request: AuthedRequest) -> HttpResponse:
    """Break the glass: open a person of another unit by their whole number, saying why (logged, time-limited)."""
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            refuse_form(form, refusal_of(form))
        else:
            try:
                opened = emergency.emergency_access_open(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                refuse_form(form, exc)
            else:
                messages.success(request, _("Open to you until %(t)s; your reason is logged and the person's unit "
                                            "head can see it.") % {"t": date_format(localtime(opened.until),
                                                                                     "H:i")})
                return redirect("registry:person", opened.person_id)
    context = {"form": form, "hours": emergency.emergency_hours(),
               "open": list(emergency.emergency_accesses_of_user(request.user))}
    return render_form(request, "registry/emergency_access.html", context, form=form)


@requires(Capability.EMERGENCY_ACCESS_REVIEW)
def emergency_accesses(request: AuthedRequest) -> HttpResponse:
    """Who opened persons of the reviewer's units from outside, when and why (the newest first)."""
    page = emergency.emergency_accesses_listed(request.user, kind=AccessKind.LISTED, context=request.path)
    return render(request, "registry/emergency_accesses.html", {"accesses": page, "now": timezone.now()})


@requires(Capability.IMPORT_RUN)
@require_http_methods(["GET", "POST"])
def imports(request: AuthedRequest) -> HttpResponse:
    """Upload a registry file and follow the latest batches."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_start(
                actor=request.user, source_code=form.cleaned_data["source"].code, file=upload, file_name=upload.name,
                preset=form.cleaned_data["preset"], columns=form.cleaned_data["columns"],
                all_or_nothing=form.cleaned_data["all_or_nothing"], header_row=form.cleaned_data["header_row"],
            )
        except DomainError as exc:  # a mapping or file the service refuses: said on the form
            refuse_form(form, exc)
        else:
            messages.info(request, _("The file is queued for import."))
            return redirect("registry:import_detail", batch_id=batch.pk)
    batches = services.import_batches_for_user(request.user).order_by("-pk")[:50]
    return render_form(request, "registry/imports.html", {"form": form, "batches": batches}, form=form)


@requires(Capability.IMPORT_RUN)
@vary_on_headers("HX-Request")
def import_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """A batch's progress (polled while it runs), its counts and its first problems."""
    batch = services.import_batch_get_for_user(request.user, batch_id)
    problems = [services.import_problem_shown(p) for p in batch.problems.all()[:200]]
    context = {"batch": batch, "problems": problems, "progress": services.import_progress(batch),
               "running": batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)}
    template = "registry/import_detail.html#status" if request.htmx else "registry/import_detail.html"
    return render(request, template, context)


@requires(Capability.IMPORT_RUN)
def import_errors(request: AuthedRequest, batch_id: int) -> StreamingHttpResponse:
    """The batch's problems as a CSV file to open in Excel next to the original."""
    batch = services.import_batch_get_for_user(request.user, batch_id)
    response = StreamingHttpResponse(services.import_problems_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="errors-batch-{batch.pk}.csv"'
    return response
