"""Run one import in its own process and stop dead at a chosen point of it, for test_import_kill.py.

    python import_until.py FILE SOURCE MAPPING.toml PHASE DONE

The import is the real one (services.import_file). The only addition is an observer on its progress reports:
once it reports PHASE with done >= DONE, the process prints "holding" and sleeps with its transaction open,
so that the test can kill it at exactly that point. Settings come from the environment (DATABASE_URL, ...).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakme.settings")
    import django

    django.setup()
    from sakme.accounts.actors import SYSTEM
    from sakme.registry import services
    from sakme.registry.importing.mapping import load_mapping_file
    from sakme.registry.importing.progress import Progress

    path, source, mapping, phase, done = argv
    report = Progress.update

    def update(self: Progress, now_phase: str, now_done: int, total: int, *, force: bool = False) -> None:
        report(self, now_phase, now_done, total, force=force)
        print(f"progress {now_phase} {now_done}/{total}", flush=True)
        if now_phase == phase and now_done >= int(done):
            print("holding", flush=True)
            while True:
                time.sleep(60)

    Progress.update = update  # type: ignore[method-assign]
    batch = services.import_file(actor=SYSTEM, source_code=source, path=Path(path),
                                 mapping=load_mapping_file(Path(mapping)))
    print(f"finished {batch.status}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
