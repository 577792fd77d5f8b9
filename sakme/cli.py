"""The `sakme` console command: Django's management commands with sakme's settings preset.

    sakme [--language ka|en] COMMAND ...

It speaks the language asked for: `--language` before the command, else Georgian when the locale (LC_ALL, LC_MESSAGES
or LANG, the first one set) is Georgian (ka_GE...), else English.

In a development checkout (the repository's pyproject.toml beside the package) with no settings for production or
the demo in the environment (SAKME_DEBUG, SAKME_DEMO, SAKME_SECRET_KEY), it runs with development settings
(SAKME_DEBUG=1) and says so in one line. Elsewhere, settings that cannot be used stop it with one line naming what
to set, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LANGUAGES = ("ka", "en")
CHECKOUT = Path(__file__).resolve().parent.parent  # the repository, when sakme runs from a checkout
SETTINGS_CHOSEN = ("SAKME_DEBUG", "SAKME_DEMO", "SAKME_SECRET_KEY")


class Usage(Exception):
    """The command line cannot be run as given; the message says why in one line."""


def language_asked(argv: list[str], environ: dict[str, str]) -> tuple[str, list[str]]:
    """The language of the command and the command line without `--language`: the option before the command (a
    command's own `--language`, e.g. the annual report's, is left to it), else the locale's."""
    args = argv[1:]
    if args and (args[0] == "--language" or args[0].startswith("--language=")):
        if "=" in args[0]:
            asked, rest = args[0].partition("=")[2], args[1:]
        elif len(args) > 1:
            asked, rest = args[1], args[2:]
        else:
            raise Usage(f"--language needs one of: {', '.join(LANGUAGES)}.")
        if asked not in LANGUAGES:
            raise Usage(f"--language {asked}: not a language of sakme; use one of: {', '.join(LANGUAGES)}.")
        return asked, [argv[0], *rest]
    locale = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    return ("ka" if locale.lower().startswith("ka") else "en"), argv


def in_checkout(root: Path = CHECKOUT) -> bool:
    """Whether sakme runs from its repository (not from an installed package)."""
    return (root / "pyproject.toml").is_file() and (root / "sakme" / "settings.py").is_file()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    try:
        language, argv = language_asked(argv, dict(os.environ))
    except Usage as exc:
        sys.stderr.write(f"sakme: {exc}\n")
        return 2
    if in_checkout() and not any(os.environ.get(name) for name in SETTINGS_CHOSEN):
        os.environ["SAKME_DEBUG"] = "1"
        sys.stderr.write("sakme: development settings of this checkout (SAKME_DEBUG=1); for production set "
                         "SAKME_SECRET_KEY (docs/deploy.md)\n")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakme.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.utils import translation

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"sakme: {exc}\n")
        return 1
    translation.activate(language)
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
