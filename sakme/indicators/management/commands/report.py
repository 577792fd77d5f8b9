from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.indicators.models import Report
from sakme.indicators.reports import report_build


class Command(BaseCommand):
    help = ("Write the annual report on indicator 2.1 for a year, as DOCX or PDF, in Georgian or English: "
            "sakme report annual --year 2019 --language en --format pdf --out report-2019-en.pdf")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="the annual report on implementation of the indicator")
        annual.add_argument("--year", type=int, required=True, help="the year reported on, such as 2019")
        annual.add_argument("--language", default=settings.LANGUAGE_CODE,
                            help=f"one of {', '.join(code for code, _name in settings.LANGUAGES)} "
                                 f"(default {settings.LANGUAGE_CODE})")
        annual.add_argument("--format", help="docx or pdf (default: from the suffix of --out, else docx)")
        annual.add_argument("--out", help="the file to write (default indicator-report-YEAR-LANGUAGE.FORMAT here)")

    def handle(self, *args: Any, **options: Any) -> None:
        year, language, out = options["year"], options["language"], options["out"]
        suffix = Path(out).suffix.lower().lstrip(".") if out else ""
        format = (options["format"] or (suffix if suffix in Report.Format.values else Report.Format.DOCX)).lower()
        if out and suffix and suffix in Report.Format.values and suffix != format:
            raise CommandError(f"--out {out} ends in .{suffix} but --format is {format}: make them agree.")
        target = Path(out or f"indicator-report-{year}-{language}.{format}")
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {target}: the folder {target.parent} does not exist.")
        started = time.perf_counter()
        try:
            data = report_build(year=year, language=language, format=format, actor=SYSTEM)
        except DomainError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror}.") from exc
        self.stdout.write(f"{target}: annual report {year}, {language}, {format}, {len(data):,} bytes, "
                          f"{time.perf_counter() - started:.1f} s")
