from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.roles import Capability
from sakme.audit.models import AccessKind
from sakme.audit.selectors import access_history
from sakme.audit.services import record_access
from sakme.common.errors import DomainError, PermissionDenied
from sakme.registry import access, selectors, services
from sakme.registry.forms import ImportForm, SearchForm
from sakme.registry.importing.mapping import Mapping
from sakme.registry.importing.progress import progress_read
from sakme.registry.models import ImportBatch, Person
from sakme.registry.tasks import import_batch_task


def _require(request: HttpRequest, capability: Capability) -> None:
    if not request.user.can(capability):  # type: ignore[union-attr]
        raise DjangoPermissionDenied(_("Your role does not allow this."))


@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """Find a person by personal number or name (either script, variants and typos tolerated)."""
    _require(request, Capability.PERSON_VIEW)
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"]:
        result = selectors.person_search(user=request.user, query=form.cleaned_data["q"])
    template = "registry/search.html#results" if request.htmx else "registry/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "result": result})


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, Capability.PERSON_VIEW)
    try:
        person = access.person_get_for_user(request.user, person_id, context=request.path)
    except Person.DoesNotExist:
        raise Http404(_("No such person in your units.")) from None
    context = {"person": person, **selectors.person_page(person=person)}
    others = [m.person_id for m in context["members"] if m.person_id != person.pk]
    record_access(actor=request.user, person_ids=others, kind=AccessKind.LISTED, context=request.path)
    if request.user.can(Capability.ACCESS_LOG_VIEW):  # type: ignore[union-attr]
        context["accesses"] = list(access_history(person_id=person.pk))
    return render(request, "registry/person.html", context)


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a registry file and follow the latest batches."""
    _require(request, Capability.IMPORT_RUN)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        if not form.errors:
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_batch_create(
                    actor=request.user, source_code=form.cleaned_data["source"].code, file=upload,
                    file_name=upload.name, mapping=mapping or Mapping(columns={}),
                    all_or_nothing=form.cleaned_data["all_or_nothing"],
                )
            except (DomainError, PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                user_id = request.user.pk
                transaction.on_commit(lambda: import_batch_task.enqueue(batch.pk, user_id))
                messages.info(request, _("The file is queued for import."))
                return redirect("registry:import_detail", batch_id=batch.pk)
    return render(request, "registry/imports.html", {"form": form, "batches": selectors.import_batches()})


@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    _require(request, Capability.IMPORT_RUN)
    batch = get_object_or_404(ImportBatch.objects.select_related("source", "created_by"), pk=batch_id)
    if batch.status == ImportBatch.Status.RUNNING:
        services.import_batches_mark_interrupted()
        batch.refresh_from_db()
    problems = list(batch.problems.all()[:200])
    context = {"batch": batch, "problems": problems, "progress": progress_read(batch.pk),
               "running": batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)}
    template = "registry/import_detail.html#status" if request.htmx else "registry/import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def import_errors(request: HttpRequest, batch_id: int) -> StreamingHttpResponse:
    """The batch's problems as a CSV file to open in Excel next to the original."""
    _require(request, Capability.IMPORT_RUN)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    response = StreamingHttpResponse(services.import_problems_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="errors-batch-{batch.pk}.csv"'
    return response
