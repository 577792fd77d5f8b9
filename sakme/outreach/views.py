"""The outreach pages: the list by need with its place picker, the campaigns, one campaign with its contacts, referrals
and credited registrations, its field sheet (CSV), and one's referrals with what came of them. Each parses, calls one
selector or service and renders."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.common.pages import post_form, refusal_of, say_refusal
from sakme.geo.access import requires, unit_scope_for_user
from sakme.geo.models import TerritorialUnit
from sakme.outreach import access, selectors, services
from sakme.outreach.forms import CampaignForm, ContactForm, ListForm, ReferralForm
from sakme.outreach.models import Campaign
from sakme.outreach.selectors import CampaignPage


def _page_number(request: AuthedRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


def _unit_choices(units: list[TerritorialUnit]) -> list[tuple[int, str]]:
    return [(u.pk, f"{u.name} ({u.code})") for u in units]


def _campaign_units(user: Any) -> list[tuple[int, str]]:
    """The units a user may take a campaign for: their own (a municipality's social workers take none)."""
    units, _municipalities = access.places_for_user(user)
    return _unit_choices([u for u in units if unit_scope_for_user(user).allows(u.pk)])


@require_GET
@requires(Capability.OUTREACH_VIEW)
def outreach_list(request: AuthedRequest) -> HttpResponse:
    """The outreach list of one of the user's units or of their municipality, by need, a page at a time."""
    form = ListForm(request.GET)
    form.is_valid()
    chosen = form.cleaned_data  # the fields that parse; the others are left out
    page = selectors.outreach_list_for_user(
        request.user, unit_code=chosen.get("unit") or "", municipality_code=chosen.get("municipality") or "",
        as_of=chosen.get("as_of"), page=chosen.get("page") or 1, context=request.path)
    units, municipalities = access.places_for_user(request.user)
    place = page.place
    query = urlencode({"unit": place.unit.code if place.unit else "",
                       "municipality": place.municipality.code if place.municipality else "",
                       "as_of": page.as_of.isoformat()})
    context: dict[str, Any] = {"page": page, "units": units, "municipalities": municipalities, "query": query,
                               "can_work": request.user.can(Capability.OUTREACH_WORK)}
    if request.user.can(Capability.OUTREACH_CAMPAIGN) and page.place.unit is not None:
        context["take_form"] = CampaignForm(units=_campaign_units(request.user), auto_id="take-%s", initial={
            "unit": page.place.unit.pk, "taken_on": page.as_of})
    return render(request, "outreach/list.html", context)


@require_GET
@requires(Capability.OUTREACH_VIEW)
def campaign_list(request: AuthedRequest) -> HttpResponse:
    """The campaigns of the user's units (or municipality), the newest first."""
    campaigns, total = selectors.campaign_list(request.user, page=_page_number(request))
    context: dict[str, Any] = {"campaigns": campaigns, "total": total,
                               "can_work": request.user.can(Capability.OUTREACH_WORK)}
    if request.user.can(Capability.OUTREACH_CAMPAIGN):
        context["take_form"] = CampaignForm(units=_campaign_units(request.user), auto_id="take-%s")
    return render(request, "outreach/campaigns.html", context)


@require_POST
@requires(Capability.OUTREACH_CAMPAIGN)
def campaign_take(request: AuthedRequest) -> HttpResponse:
    """Take a campaign, then show it (a refusal is said on the campaigns page)."""
    form = CampaignForm(request.POST, units=_campaign_units(request.user))
    back = reverse("outreach:campaigns")
    if not form.is_valid():
        say_refusal(request, refusal_of(form))
        return redirect(back)
    data = form.cleaned_data
    try:
        campaign = services.campaign_take(actor=request.user, unit_id=data["unit"], name=data["name"],
                                          size=data["size"], taken_on=data["taken_on"])
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        say_refusal(request, exc)
        return redirect(back)
    messages.success(request, _("Campaign taken: %(n)s persons to reach.") % {"n": campaign.size})
    return redirect(_campaign_page(campaign.pk))


def _campaign_page(campaign_id: int, page: int = 1) -> str:
    url = reverse("outreach:campaign", kwargs={"campaign_id": campaign_id})
    return f"{url}?page={page}" if page > 1 else url


def _entry_choices(page: CampaignPage) -> list[tuple[int, str]]:
    return [(r.entry.pk, f"{r.entry.rank}. {r.entry.person.full_name}") for r in page.rows]


def _referral_units(campaign: Campaign) -> list[tuple[int, str]]:
    """The units a person may be referred to: the campaign's, then the others of its municipality."""
    units = TerritorialUnit.objects.filter(municipality_id=campaign.unit.municipality_id, is_active=True)
    return _unit_choices(sorted(units, key=lambda u: (u.pk != campaign.unit_id, u.code)))


@require_GET
@requires(Capability.OUTREACH_VIEW)
def campaign_detail(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """A campaign: its persons (those of the user's households), contacts, referrals and what came of them, the
    registrations credited to it; the contact and referral forms for the persons of the page."""
    campaign = access.campaign_get_for_user(request.user, campaign_id)
    page = selectors.campaign_page(request.user, campaign, page=_page_number(request), context=request.path)
    context: dict[str, Any] = {"campaign": campaign, "page": page,
                               "can_export": request.user.can(Capability.OUTREACH_CAMPAIGN)}
    if request.user.can(Capability.OUTREACH_WORK) and page.rows:
        entries = _entry_choices(page)
        chosen = request.GET.get("entry", "")
        initial = {"entry": int(chosen)} if chosen.isdigit() and len(chosen) < 19 else {}
        context["contact_form"] = ContactForm(entries=entries, auto_id="contact-%s", initial=initial)
        context["referral_form"] = ReferralForm(entries=entries, units=_referral_units(campaign),
                                                auto_id="referral-%s", initial=initial)
    return render(request, "outreach/campaign.html", context)


def _back(request: AuthedRequest, campaign_id: int) -> str:
    page = request.POST.get("page", "1")
    return _campaign_page(campaign_id, int(page) if page.isdigit() and len(page) < 7 else 1)


@require_POST
@requires(Capability.OUTREACH_WORK)
def contact_add(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    return post_form(request, ContactForm(request.POST), lambda data: services.contact_record(
        actor=request.user, campaign_id=campaign_id, entry_id=data["entry"], channel=data["channel"],
        outcome=data["outcome"], on=data["on"], note=data["note"]),
        success=_("Contact recorded."), to=_back(request, campaign_id))


@require_POST
@requires(Capability.OUTREACH_WORK)
def referral_add(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    return post_form(request, ReferralForm(request.POST), lambda data: services.referral_make(
        actor=request.user, campaign_id=campaign_id, entry_id=data["entry"], kind=data["kind"],
        appointment_on=data["appointment_on"], to_unit_id=data["to_unit"]),
        success=_("Referral made: you will see what came of it on your referrals page."),
        to=_back(request, campaign_id))


@require_GET
@requires(Capability.OUTREACH_CAMPAIGN)
def campaign_export(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """The campaign's list as a CSV for field work (logged)."""
    sheet = services.campaign_export(actor=request.user, campaign_id=campaign_id)
    response = HttpResponse(sheet.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sheet.file_name}"'
    return response


@require_GET
@requires(Capability.OUTREACH_WORK)
def referral_list(request: AuthedRequest) -> HttpResponse:
    """The referrals the user made, the latest first, with what came of each."""
    referrals, total = selectors.referral_list(request.user, page=_page_number(request), context=request.path)
    return render(request, "outreach/referrals.html", {"referrals": referrals, "total": total,
                                                       "page": _page_number(request)})
