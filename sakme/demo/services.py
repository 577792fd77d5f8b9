"""Setting up the demo: reference data, a generated population imported through the real importer, and one
user per role. Idempotent: running it again keeps what is there."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.accounts.roles import Role
from sakme.accounts.services import user_create
from sakme.demo.generator import generate
from sakme.geo.models import Municipality, Region, StaffPost, TerritorialUnit
from sakme.indicators.services import reference_load
from sakme.linkage.models import LinkRun
from sakme.linkage.services import link_run
from sakme.registry.importing.mapping import MAPPINGS_DIR, load_mapping_file
from sakme.registry.merges import person_unmerge
from sakme.registry.models import ImportBatch, PersonMerge
from sakme.registry.services import import_file

DEMO_DIR_NAME = "demo"
# Where each demo role is posted: unit roles to Tbilisi centre 2 (Vake, Saburtalo), the coordinator to Imereti.
POSTS: dict[Role, dict[str, str]] = {  # where each demo user is posted: a unit, a region or a municipality
    Role.COUNSELLOR: {"unit": "TB-2"},
    Role.EMPLOYER_RELATIONS: {"unit": "TB-2"},
    Role.UNIT_HEAD: {"unit": "TB-2"},
    Role.REGIONAL_COORDINATOR: {"region": "IM"},
    Role.ASSISTANCE_SPECIALIST: {"unit": "TB-2"},
    Role.SOCIAL_AGENT: {"unit": "TB-2"},
    Role.MUNICIPAL_SOCIAL_WORKER: {"municipality": "tbilisi"},
}
NAMES = {
    Role.COUNSELLOR: ("ნატო", "გიორგაძე"), Role.EMPLOYER_RELATIONS: ("ლევან", "კაპანაძე"),
    Role.UNIT_HEAD: ("თამარ", "ლომიძე"), Role.REGIONAL_COORDINATOR: ("დავით", "ნოზაძე"),
    Role.ANALYST: ("ეკატერინე", "მაისურაძე"), Role.DATA_STEWARD: ("ირაკლი", "ბერიძე"),
    Role.ADMINISTRATOR: ("ანა", "გელაშვილი"), Role.DATA_PROTECTION_OFFICER: ("ნინო", "ჩხეიძე"),
    Role.ASSISTANCE_SPECIALIST: ("მარიამ", "ხარაიშვილი"), Role.SOCIAL_AGENT: ("გიორგი", "ტაბატაძე"),
    Role.MUNICIPAL_SOCIAL_WORKER: ("ქეთევან", "წიკლაური"),
}  # fmt: skip


def demo_dir() -> Path:
    path = Path(settings.VAR_DIR) / DEMO_DIR_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_users_create() -> dict[str, str]:
    """One user per role (username = role); returns the passwords, kept under var/ for the next start."""
    store = demo_dir() / "credentials.json"
    if store.exists():
        return json.loads(store.read_text())
    credentials = {}
    with transaction.atomic():
        for role in Role:
            password = secrets.token_urlsafe(9)
            user = User.objects.filter(username=role.value).first()
            if user is None:
                given, family = NAMES[role]
                user = user_create(actor=SYSTEM, username=role.value, password=password, role=role,
                                   first_name=given, last_name=family)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            where = POSTS.get(role, {})
            if where and not StaffPost.objects.filter(user=user).exists():
                StaffPost.objects.create(
                    user=user, unit=TerritorialUnit.objects.filter(code=where.get("unit")).first(),
                    region=Region.objects.filter(code=where.get("region")).first(),
                    municipality=Municipality.objects.filter(code=where.get("municipality")).first())
            credentials[role.value] = password
    store.write_text(json.dumps(credentials, indent=2))
    store.chmod(0o600)
    return credentials


def demo_population_load(*, persons: int, seed: int, log: object = print) -> list[ImportBatch]:
    """Generate the SSA and Worknet exports and import them, unless this population is already in."""
    marker = demo_dir() / f"population-{persons}-{seed}.done"
    if marker.exists():
        return []
    files = generate(demo_dir() / f"population-{persons}-{seed}", persons=persons, seed=seed)
    batches = []
    for source, key in (("ssa", "ssa"), ("worknet", "worknet")):
        mapping = load_mapping_file(MAPPINGS_DIR / f"{source}.toml")
        batch = import_file(actor=SYSTEM, source_code=source, path=files[key], mapping=mapping,
                            all_or_nothing=source == "ssa")
        log(f"{files[key].name}: {batch.get_status_display()} — {batch.created} created, {batch.updated} updated, "
            f"{batch.error_count} errors, {batch.warning_count} warnings")  # type: ignore[operator]
        batches.append(batch)
    marker.write_text("done\n")
    return batches


def demo_linkage_run() -> LinkRun | None:
    """Link the two sources once, as a data steward does after the first imports (unless a run already did): the
    links, the review queue and the run's page have something to show, and the pairs the importer's warnings say
    are "offered for review" are there."""
    if LinkRun.objects.filter(kind=LinkRun.Kind.RUN, status=LinkRun.Status.SUCCEEDED).exists():
        return None
    return link_run(actor=SYSTEM, sources=["ssa", "worknet"])


def demo_merge_undone() -> PersonMerge | None:
    """The data steward undoes one of the run's automatic merges (once): a newcomer finds a person page with a merge
    and its undoing, and the two persons apart again, as the link's run will leave them."""
    if PersonMerge.objects.filter(unmerged_at__isnull=False).exists():
        return None
    merge = PersonMerge.objects.filter(unmerged_at__isnull=True, run_id__isnull=False).order_by("pk").first()
    steward = User.objects.filter(username=Role.DATA_STEWARD.value).first()
    if merge is None or steward is None:
        return None
    return person_unmerge(actor=steward, merge_id=merge.pk)


def demo_reference_load() -> dict[str, int]:
    return reference_load(actor=SYSTEM)
