"""Roles of DESIGN.md and what each may do. One table: views, API and tests all read it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    EMPLOYER_RELATIONS = "employer_relations", _("Employer-relations specialist")
    UNIT_HEAD = "unit_head", _("Unit head")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    ANALYST = "analyst", _("Analyst")
    DATA_STEWARD = "data_steward", _("Data steward")
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data-protection officer")
    ASSISTANCE_SPECIALIST = "assistance_specialist", _("Social-assistance specialist")
    SOCIAL_AGENT = "social_agent", _("Social agent")
    MUNICIPAL_SOCIAL_WORKER = "municipal_social_worker", _("Municipal social worker")


class Capability(models.TextChoices):
    PERSON_VIEW = "person.view", _("Search and view persons of one's units")
    PERSON_NUMBER_REVEAL = "person.number_reveal", _("Reveal a person's whole personal number, giving a reason")
    ACCESS_LOG_VIEW = "access_log.view", _("See who viewed a person")
    EMERGENCY_ACCESS = "emergency_access.open", _("Open a person outside one's units, stating why (break the glass)")
    EMERGENCY_ACCESS_REVIEW = "emergency_access.review", _("See who opened persons outside their units, and why")
    IMPORT_RUN = "import.run", _("Import registry files")
    LINKAGE_RUN = "linkage.run", _("Run record linkage and train its models")
    LINKAGE_REVIEW = "linkage.review", _("Review candidate links between records")
    PERSON_MERGE = "person.merge", _("Merge persons found to be one, and undo a merge")
    GEO_VIEW = "geo.view", _("See territorial units and the service-model rollout")
    ADMIN_SITE = "admin.site", _("Administer users and reference data")
    CASE_VIEW = "case.view", _("See the cases of one's units")
    CASE_WORK = "case.work", _("Work on job seekers' cases")
    CASE_ASSIGN = "case.assign", _("Give the unit's cases to its counsellors")
    CASELOAD_SUPERVISE = "caseload.supervise", _("Supervise the units' caseload and late items")
    PROGRAMME_VIEW = "programme.view", _("See training programmes and their places")
    ROLLOUT_VIEW = "rollout.view", _("See the service model's rollout figures")
    REGISTRY_TOTALS = "registry.totals", _("See the registry's national totals")
    EMPLOYER_SERVICES = "employer.services", _("Serve employers: vacancies and shortlists")
    INDICATOR_VIEW = "indicator.view", _("See the indicators and the dashboards")
    INDICATOR_COMPUTE = "indicator.compute", _("Compute the indicators and make the annual report")
    INDICATOR_RECORDS = "indicator.records", _("Open the records behind a figure (pseudonymised for analysts)")
    ACTIVITY_RECORD = "activity.record", _("Record staff allocations, trainings, working meetings and manuals")
    APPLICATION_VIEW = "application.view", _("See the social-assistance applications of one's units")
    APPLICATION_WORK = "application.work", _("Enter social-assistance applications, score, decide and record payments")
    HOME_VISIT = "home_visit.record", _("Record home visits and the declaration's answers")
    FORMULA_VIEW = "formula.view", _("See the rating-score formula and the benefit rules")
    OUTREACH_VIEW = "outreach.view", _("See the outreach list of one's units or municipality")
    OUTREACH_WORK = "outreach.work", _("Record contacts with households and refer them to the unit")
    OUTREACH_CAMPAIGN = "outreach.campaign", _("Take outreach campaigns and export their lists for field work")
    SURVEY_RECORD = "survey.record", _("Type in the satisfaction surveys answered on paper")
    SURVEY_RESULTS = "survey.results", _("See the satisfaction survey results")
    SURVEY_COMMENTS = "survey.comments", _("Read the comments people agreed to leave in surveys")


_ALL_UNIT_ROLES = {Role.COUNSELLOR, Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
_ASSISTANCE_ROLES = {Role.ASSISTANCE_SPECIALIST, Role.SOCIAL_AGENT}

CAPABILITIES: dict[Capability, frozenset[Role]] = {
    # Analysts work on pseudonymised data only, administrators on the system, not on people.
    Capability.PERSON_VIEW: frozenset(_ALL_UNIT_ROLES | _ASSISTANCE_ROLES | {Role.DATA_STEWARD}),
    # Numbers show masked; those who must check one against a document reveal it, with a reason that is logged.
    Capability.PERSON_NUMBER_REVEAL: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.DATA_STEWARD}),
    Capability.ACCESS_LOG_VIEW: frozenset({Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR, Role.DATA_STEWARD,
                                           Role.DATA_PROTECTION_OFFICER}),
    # Staff of a unit may need a person of another (a walk-in from elsewhere): they break the glass, with a reason.
    Capability.EMERGENCY_ACCESS: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.EMPLOYER_RELATIONS}),
    Capability.EMERGENCY_ACCESS_REVIEW: frozenset({Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR,
                                                   Role.DATA_PROTECTION_OFFICER}),
    Capability.IMPORT_RUN: frozenset({Role.DATA_STEWARD}),
    Capability.LINKAGE_RUN: frozenset({Role.DATA_STEWARD}),
    Capability.LINKAGE_REVIEW: frozenset({Role.DATA_STEWARD}),
    # Who settles links settles their persons: a "same person" becomes one person (and a wrong one is undone).
    Capability.PERSON_MERGE: frozenset({Role.DATA_STEWARD}),
    Capability.GEO_VIEW: frozenset(Role),
    Capability.ADMIN_SITE: frozenset({Role.ADMINISTRATOR}),
    # Regional coordinators read the cases of their region's units; the units' own staff work on them.
    Capability.CASE_VIEW: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}),
    Capability.CASE_WORK: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD}),
    Capability.CASE_ASSIGN: frozenset({Role.UNIT_HEAD}),
    Capability.CASELOAD_SUPERVISE: frozenset({Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}),
    Capability.PROGRAMME_VIEW: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.EMPLOYER_RELATIONS}),
    Capability.ROLLOUT_VIEW: frozenset({Role.ANALYST, Role.ADMINISTRATOR, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}),
    Capability.REGISTRY_TOTALS: frozenset({Role.ANALYST}),
    Capability.EMPLOYER_SERVICES: frozenset({Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD}),
    Capability.INDICATOR_VIEW: frozenset({Role.ANALYST, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR, Role.ADMINISTRATOR}),
    Capability.INDICATOR_COMPUTE: frozenset({Role.ANALYST}),
    # Unit heads and coordinators see the cases of their units by name; analysts a pseudonym per person.
    Capability.INDICATOR_RECORDS: frozenset({Role.ANALYST, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}),
    # The central department keeps the record of the programme's activities (the annual report's sources).
    Capability.ACTIVITY_RECORD: frozenset({Role.ANALYST, Role.ADMINISTRATOR}),
    # Social assistance: the unit's specialists enter and decide, its social agents visit the households.
    Capability.APPLICATION_VIEW: frozenset(_ASSISTANCE_ROLES | {Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}),
    Capability.APPLICATION_WORK: frozenset({Role.ASSISTANCE_SPECIALIST, Role.UNIT_HEAD}),
    Capability.HOME_VISIT: frozenset({Role.SOCIAL_AGENT}),
    Capability.FORMULA_VIEW: frozenset(Role),  # the rules are public: whoever is scored may see how
    # Outreach: the unit's staff, and a municipality's social workers for the households of their municipality only.
    Capability.OUTREACH_VIEW: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR,
                                         Role.ASSISTANCE_SPECIALIST, Role.MUNICIPAL_SOCIAL_WORKER}),
    Capability.OUTREACH_WORK: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.ASSISTANCE_SPECIALIST,
                                         Role.MUNICIPAL_SOCIAL_WORKER}),
    Capability.OUTREACH_CAMPAIGN: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD}),
    Capability.SURVEY_RECORD: frozenset({Role.COUNSELLOR, Role.UNIT_HEAD, Role.ASSISTANCE_SPECIALIST}),
    Capability.SURVEY_RESULTS: frozenset({Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR, Role.ANALYST}),
    Capability.SURVEY_COMMENTS: frozenset({Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}),
}

# Roles that see every unit; the others see the units (or regions) they are posted to.
NATIONWIDE_ROLES = frozenset({Role.ANALYST, Role.DATA_STEWARD, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER})


def role_can(role: str, capability: Capability) -> bool:
    """Whether a role holds a capability."""
    return role in CAPABILITIES[capability]


def role_sees_every_unit(role: str) -> bool:
    """Whether a role's scope is the whole country rather than the units (or regions) it is posted to."""
    return role in NATIONWIDE_ROLES


# What opens no one's personal data: the system, territory and figures. Every other capability does (names, numbers,
# cases, shortlists; and any capability added later, until it is listed here), so granting a role that holds one is
# audited and nobody may grant it to themselves (administrators run the system, not people's files).
NO_PERSONAL_DATA = frozenset({Capability.GEO_VIEW, Capability.ADMIN_SITE, Capability.ROLLOUT_VIEW,
                              Capability.REGISTRY_TOTALS, Capability.INDICATOR_VIEW, Capability.INDICATOR_COMPUTE,
                              Capability.ACTIVITY_RECORD, Capability.FORMULA_VIEW, Capability.SURVEY_RESULTS})
PERSONAL_DATA_CAPABILITIES = frozenset(Capability) - NO_PERSONAL_DATA


def role_reads_personal_data(role: str) -> bool:
    """Whether a role holds any capability that opens personal data."""
    return any(role_can(role, capability) for capability in PERSONAL_DATA_CAPABILITIES)
