"""Shared fixtures: the reference territory and occupations, staff of every role, the browser."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("SAKME_DEBUG", "1")


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.SAKME_IMPORT_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference territory and occupations once per test database; tests roll back to them."""
    from sakme.accounts.actors import SYSTEM
    from sakme.assistance.services.rules import rules_load
    from sakme.employment.services import occupations_load
    from sakme.geo.services import territory_load
    from sakme.indicators.services import definitions_load
    from sakme.surveys.services import surveys_load

    with django_db_blocker.unblock():
        territory_load(actor=SYSTEM)
        occupations_load(actor=SYSTEM)
        definitions_load(actor=SYSTEM)
        rules_load(actor=SYSTEM)
        surveys_load(actor=SYSTEM)


@pytest.fixture
def territory(db):
    """The 70 units (loaded again when a transactional test flushed the database)."""
    from sakme.accounts.actors import SYSTEM
    from sakme.assistance.services.rules import rules_load
    from sakme.employment.services import occupations_load
    from sakme.geo.models import TerritorialUnit
    from sakme.geo.services import territory_load
    from sakme.indicators.services import definitions_load
    from sakme.registry.services import source_systems_load
    from sakme.surveys.services import surveys_load

    if not TerritorialUnit.objects.exists():
        territory_load(actor=SYSTEM)
        occupations_load(actor=SYSTEM)
        source_systems_load(actor=SYSTEM)
        definitions_load(actor=SYSTEM)
        rules_load(actor=SYSTEM)
        surveys_load(actor=SYSTEM)


@pytest.fixture
def staff(territory):
    """One user per role; unit roles posted to TB-1, the regional coordinator to Imereti."""
    from sakme.tests.factories import staff_of_every_role

    return staff_of_every_role()


# Browser tests: Debian's Chromium driven by Playwright against the live test server. One browser per test
# process, shared by every app's browser tests (a second Playwright instance in one process would fail).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: install Debian's chromium package (make test does it as root)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow its ORM calls from this thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
