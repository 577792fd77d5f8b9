"""Every string a person sees exists in Georgian: the catalogue is complete, compiled, and current."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "ka" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "var", "bench", "*/tests/*", "tests", "conftest.py", "static", "node_modules", "locale"]


def entries(po: Path) -> dict[str, str]:
    """msgid -> msgstr (first form for plurals) of a .po file, fuzzy entries marked with a leading '#fuzzy#'."""
    text = po.read_text(encoding="utf-8")
    found = {}
    for block in text.split("\n\n"):
        ids = re.findall(r'^msgid "(.*)"\n((?:".*"\n)*)', block + "\n", re.M)
        strs = re.findall(r'^msgstr(?:\[0\])? "(.*)"\n?((?:".*"\n?)*)', block + "\n", re.M)
        if not ids or not strs:
            continue
        msgid = ids[0][0] + "".join(re.findall(r'"(.*)"', ids[0][1]))
        msgstr = strs[0][0] + "".join(re.findall(r'"(.*)"', strs[0][1]))
        if msgid:
            found[msgid] = ("#fuzzy#" if "#, fuzzy" in block else "") + msgstr
    return found


def test_every_message_is_translated():
    catalogue = entries(PO)
    assert len(catalogue) > 500
    missing = [m for m, s in catalogue.items() if not s or s.startswith("#fuzzy#")]
    assert missing == []


def test_the_compiled_catalogue_matches(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `sakme compilemessages` and commit"


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path, settings, monkeypatch):
    # makemessages writes beside the sources it scans: scan a copy, so the real catalogue is never touched.
    for part in ("sakme", "templates", "locale"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ka"], no_location=True, ignore_patterns=IGNORE, verbosity=0)
    fresh = entries(tmp_path / "locale" / "ka" / "LC_MESSAGES" / "django.po")
    untranslated = sorted(m for m, s in fresh.items() if not s or s.startswith("#fuzzy#"))
    assert untranslated == [], "run makemessages -l ka and translate these"


def test_georgian_is_served():
    with translation.override("ka"):
        assert translation.gettext("Persons") != "Persons"
        assert re.search("[\u10d0-\u10ff]", translation.gettext("Sign in to sakme"))
