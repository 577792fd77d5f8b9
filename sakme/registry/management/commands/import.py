"""`sakme import persons FILE --source ssa --map "col=field,..."` (or `--mapping file.toml`), in the language the
`sakme` command was asked for (`sakme --language ka ...`, or the locale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.registry import services
from sakme.registry.importing.mapping import MAPPINGS_DIR, Mapping, load_mapping_file, parse_map_option
from sakme.registry.models import ImportBatch


class Command(BaseCommand):
    help = "Import a registry file (CSV or XLSX). Nothing is written when any row has an error, unless --partial."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["persons"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=False, help="source system code, e.g. ssa or worknet")
        parser.add_argument("--map", dest="map_option", help='columns, e.g. "piradi_nomeri=personal_number,..."')
        parser.add_argument("--mapping", help=f"a TOML mapping file, or the name of one in {MAPPINGS_DIR.name}/")
        parser.add_argument("--partial", action="store_true", help="write the good rows and skip the bad ones")
        parser.add_argument("--header-row", type=int, metavar="N",
                            help="the row that names the columns (found by itself among the first 20 rows when it "
                                 "holds the mapping's required columns)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(p)s: no such file.") % {"p": path})
        try:
            mapping = self._mapping(options)
            source = options["source"] or mapping.source
            if not source:
                raise CommandError(_("Give --source (e.g. --source ssa) or a mapping file that names its source."))
            batch = services.import_file(actor=SYSTEM, source_code=source, path=path, mapping=mapping,
                                         all_or_nothing=not options["partial"], header_row=options["header_row"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("batch %(b)s: %(s)s — rows %(r)s, created %(c)s, updated %(u)s, unchanged %(n)s, errors %(e)s, "
              "warnings %(w)s")
            % {"b": batch.pk, "s": batch.get_status_display(), "r": batch.rows_total, "c": batch.created,
               "u": batch.updated, "n": batch.unchanged, "e": batch.error_count, "w": batch.warning_count}
        )
        for problem in batch.problems.all()[:20]:
            problem = services.import_problem_shown(problem)  # in the command's language, from its code
            said = {"r": problem.row, "c": problem.column, "v": repr(problem.value), "m": problem.message,
                    "e": problem.expected}
            self.stdout.write((_("  row %(r)s, %(c)s = %(v)s: %(m)s (expected: %(e)s)") if problem.expected
                               else _("  row %(r)s, %(c)s = %(v)s: %(m)s")) % said)
        if batch.status != ImportBatch.Status.SUCCEEDED:
            raise CommandError(batch.message or _("The import failed."))

    def _mapping(self, options: dict[str, Any]) -> Mapping:
        if options["map_option"]:
            mapping = parse_map_option(options["map_option"])
            if options["mapping"]:
                raise CommandError(_("Give either --map or --mapping, not both."))
            return mapping
        if options["mapping"]:
            candidate = Path(options["mapping"])
            if not candidate.is_file():
                candidate = MAPPINGS_DIR / f"{options['mapping']}.toml"
            if not candidate.is_file():
                raise CommandError(_("No mapping file %(m)s.") % {"m": options["mapping"]})
            return load_mapping_file(candidate)
        return Mapping(columns={})
