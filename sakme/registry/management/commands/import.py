"""`sakme import persons FILE --source ssa --map "col=field,..."` (or `--mapping file.toml`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            mapping = self._mapping(options)
            source = options["source"] or mapping.source
            if not source:
                raise CommandError("Give --source (e.g. --source ssa) or a mapping file that names its source.")
            batch = services.import_file(actor=SYSTEM, source_code=source, path=path, mapping=mapping,
                                         all_or_nothing=not options["partial"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"batch {batch.pk}: {batch.get_status_display()} — rows {batch.rows_total}, created {batch.created}, "
            f"updated {batch.updated}, unchanged {batch.unchanged}, errors {batch.error_count}, "
            f"warnings {batch.warning_count}"
        )
        for problem in batch.problems.all()[:20]:
            self.stdout.write(f"  row {problem.row}, {problem.column} = {problem.value!r}: {problem.message}"
                              + (f" (expected: {problem.expected})" if problem.expected else ""))
        if batch.status != ImportBatch.Status.SUCCEEDED:
            raise CommandError(batch.message or "The import failed.")

    def _mapping(self, options: dict[str, Any]) -> Mapping:
        if options["map_option"]:
            mapping = parse_map_option(options["map_option"])
            if options["mapping"]:
                raise CommandError("Give either --map or --mapping, not both.")
            return mapping
        if options["mapping"]:
            candidate = Path(options["mapping"])
            if not candidate.is_file():
                candidate = MAPPINGS_DIR / f"{options['mapping']}.toml"
            if not candidate.is_file():
                raise CommandError(f"No mapping file {options['mapping']}.")
            return load_mapping_file(candidate)
        return Mapping(columns={})
