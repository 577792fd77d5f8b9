"""The permission matrix's vocabulary, shared by its rows (tests/test_permission_matrix.py and each app's
tests/matrix_<app>.py): who is scoped, a row's rule, a page's form."""

from __future__ import annotations

from sakme.accounts.roles import Role

UNIT_ROLES = {Role.COUNSELLOR, Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
ASSISTANCE_ROLES = {Role.ASSISTANCE_SPECIALIST, Role.SOCIAL_AGENT}
PERSON_ROLES = UNIT_ROLES | ASSISTANCE_ROLES | {Role.DATA_STEWARD}
# Roles posted to a unit, a region or a municipality: another unit's record is not found (404) for them.
SCOPED_ROLES = UNIT_ROLES | ASSISTANCE_ROLES | {Role.MUNICIPAL_SOCIAL_WORKER}
CASE_ROLES = {Role.COUNSELLOR, Role.UNIT_HEAD}
CASE_READERS = CASE_ROLES | {Role.REGIONAL_COORDINATOR}  # coordinators read their region's cases
EMPLOYER_ROLES = {Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD}
TRAINING_ROLES = CASE_ROLES | EMPLOYER_ROLES  # programmes are the state's, not a unit's: no scoping
EVERY_ROLE = set(Role)
REVEAL_ROLES = {Role.COUNSELLOR, Role.UNIT_HEAD, Role.DATA_STEWARD}
EMERGENCY_ROLES = {Role.COUNSELLOR, Role.UNIT_HEAD, Role.EMPLOYER_RELATIONS}
EMERGENCY_REVIEWERS = {Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR, Role.DATA_PROTECTION_OFFICER}
INDICATOR_READERS = {Role.ANALYST, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR, Role.ADMINISTRATOR}
RECORD_READERS = {Role.ANALYST, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
ANON = "anonymous"


def allowed(roles: set[Role], *, scoped: bool = False, denied: int = 403, anon: int = 302,
            ok: int = 200, json: object = None, form: object = None) -> dict[str, object]:
    """A row: roles that may use the route (answered `ok`); `scoped` means unit roles get 404 for another unit's
    object. `json` is the body of an API write, `form` the fields (and files) of a multipart one."""
    return {"roles": roles, "scoped": scoped, "denied": denied, "anon": anon, "ok": ok, "json": json, "form": form}


DAY = "2025-01-08"


def _page_write(**fields: object) -> object:
    """The fields of a page's form that parse: the service decides (allowed roles are sent back to the page with
    what it did or why not, 302; others get the 403 or, for another unit's record, the 404 page)."""
    return lambda t: {k: (v(t) if callable(v) else v) for k, v in fields.items()}


