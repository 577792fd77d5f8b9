from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.api.api import api

SPEC_FILE = Path(__file__).resolve().parents[2] / "openapi.json"


def openapi_text() -> str:
    """The API's OpenAPI document as committed: sorted keys, two-space indent, final newline."""
    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to sakme/api/openapi.json (committed; a test checks it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=SPEC_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        options["out"].write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(str(options["out"]))
