"""An import's problems are stored as a code and its parameters and read in the reader's language, wherever they are
shown: the import page, the API, the error file and the `sakme` command, which speaks the language asked for
(`--language`, or a Georgian locale) and runs in a checkout without SAKME_DEBUG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sakme.accounts.actors import SYSTEM
from sakme.registry import services
from sakme.registry.importing.problems import CATALOGUE, problem_text
from sakme.registry.models import ImportBatch, ImportProblem
from sakme.registry.tests.malformed import row, run, write
from sakme.registry.tests.test_import_kill import BASE_DIR, database_url
from sakme.tests.factories import sign_in

SAKME = Path(sys.executable).with_name("sakme")  # the console command of this environment


def georgian(text: str) -> str:
    with translation.override("ka"):
        return translation.gettext(text)


UNKNOWN_SEX = CATALOGUE["sex_unknown"][0]


@pytest.fixture
def refused_batch(earlier, tmp_path) -> ImportBatch:
    """A batch refused for an unknown sex on row 3, imported in English."""
    with translation.override("en"):
        batch = run(write(tmp_path / "ssa.csv", [row(1), row(2, sqesi="X")]))
    assert batch.status == ImportBatch.Status.FAILED
    return batch


def test_a_problem_is_stored_as_its_code_with_the_english_text_beside_it(refused_batch):
    problem = refused_batch.problems.get()
    assert (problem.row, problem.code, problem.params) == (3, "sex_unknown", {})
    assert (problem.message, problem.expected) == ("unknown sex", "M or F (მ or ქ, male or female)")


def test_a_problem_reads_in_the_language_of_whoever_reads_it(refused_batch):
    problem = refused_batch.problems.get()
    assert georgian(UNKNOWN_SEX) != UNKNOWN_SEX, "the catalogue translates it"
    with translation.override("ka"):
        assert services.import_problem_shown(problem).message == georgian(UNKNOWN_SEX)
        lines = "".join(services.import_problems_csv(batch=refused_batch))
        assert georgian(UNKNOWN_SEX) in lines and "unknown sex" not in lines


def test_a_problem_stored_before_codes_is_shown_as_it_was_written(refused_batch):
    ImportProblem.objects.filter(batch=refused_batch).update(code="", params={}, message="უცნობი სქესი (ძველი)")
    with translation.override("en"):
        assert services.import_problem_shown(refused_batch.problems.get()).message == "უცნობი სქესი (ძველი)"


def test_every_code_has_words_in_both_languages_that_take_its_parameters():
    params = {"n": 10, "m": 3, "c": "@", "d": "1900-01-01", "e": "Kutaisi", "other": 2, "needs": "household_key",
              "repaired": "ნინო"}
    for code in CATALOGUE:
        for language in ("en", "ka"):
            with translation.override(language):
                message, expected = problem_text(code, params)
            assert message and expected and "%(" not in message + expected, (code, language)


def test_the_import_page_and_the_api_speak_the_readers_language(refused_batch, staff):
    client = sign_in(Client(), staff["data_steward"])
    for language, said in (("ka", georgian(UNKNOWN_SEX)), ("en", "unknown sex")):
        page = client.get(reverse("registry:import_detail", args=[refused_batch.pk]),
                          HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert said in page, language
        answer = client.get(f"/api/v1/imports/{refused_batch.pk}/problems", HTTP_ACCEPT_LANGUAGE=language).json()
        problem = answer["items"][0]
        assert (problem["message"], problem["code"], problem["params"]) == (said, "sex_unknown", {}), language


# -- the command --------------------------------------------------------------------------------------------------

def sakme(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The `sakme` command in a child process, without the test run's own settings (SAKME_DEBUG, pytest's mark)."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("SAKME_DEBUG", "SAKME_DEMO", "SAKME_SECRET_KEY", "PYTEST_VERSION", "LANG", "LC_ALL",
                         "LC_MESSAGES", "DJANGO_SETTINGS_MODULE")}
    command = [str(SAKME)] if SAKME.exists() else [sys.executable, "-c",
                                                   "import sys; from sakme.cli import main; sys.exit(main())"]
    return subprocess.run([*command, *args], cwd=BASE_DIR, env={**base, "SAKME_VAR_DIR": str(tmp_path), **env},
                          capture_output=True, text=True, timeout=180)


def test_in_a_checkout_the_command_runs_without_sakme_debug(tmp_path):
    done = sakme(["check"], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "SAKME_DEBUG=1" in done.stderr  # said in one line


def test_outside_a_checkout_production_settings_without_a_key_stop_in_one_line(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("SAKME_DEBUG", "SAKME_DEMO", "SAKME_SECRET_KEY",
                                                             "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE")}
    code = "import sys, sakme.cli as cli; cli.in_checkout = lambda: False; sys.exit(cli.main(['sakme', 'check']))"
    done = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env={**base, "SAKME_VAR_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == ["sakme: Set SAKME_SECRET_KEY (or SAKME_DEBUG=1 for development)."]


def test_an_unknown_language_is_refused_in_one_line(tmp_path):
    done = sakme(["--language", "fr", "check"], {}, tmp_path)
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith("sakme: --language fr")


@pytest.mark.xdist_group("kill")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("args,env,language", [
    (["--language", "ka"], {}, "ka"),
    ([], {"LANG": "ka_GE.UTF-8"}, "ka"),
    ([], {"LANG": "en_US.UTF-8"}, "en"),
    (["--language", "en"], {"LC_ALL": "ka_GE.UTF-8"}, "en"),
])
def test_the_command_speaks_the_language_asked(territory, tmp_path, args, env, language):
    services.source_systems_load(actor=SYSTEM)  # (gone if an earlier transactional test flushed the database)
    path = write(tmp_path / "ssa.csv", [row(1), row(2, sqesi="X")])
    done = sakme([*args, "import", "persons", str(path), "--mapping", "ssa"],
                 {"DATABASE_URL": database_url(), **env}, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    said = georgian(UNKNOWN_SEX) if language == "ka" else UNKNOWN_SEX
    assert f"'X': {said}" in done.stdout, done.stdout
