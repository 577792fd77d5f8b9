"""The keyring's life: made once, rotated by adding a seal key and re-sealing every number under it.

Rotation is safe to stop at any point: the new key is written to the keyring (the old ones kept) before any row is
re-sealed, rows are re-sealed in chunks of their own transactions, and an old key is retired only once no row is
sealed under it.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from sakme.registry import personal_numbers
from sakme.registry.models import Person, SourceRecord

CHUNK = 2000
HOLDERS: dict[str, type[Model]] = {"persons": Person, "source_records": SourceRecord}


def _ring_path() -> Path:
    return Path(settings.SAKME_KEYRING)


def keys_init() -> bool:
    """Write a new keyring where settings say; False when one is there already (it is never overwritten)."""
    path = _ring_path()
    if path.exists():
        return False
    personal_numbers.keyring_write(path, personal_numbers.keyring_new())
    personal_numbers.keyring_reload()
    return True


def _reseal(model: type[Model], current: str) -> int:
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(model._default_manager.select_for_update().filter(
                pk__gt=last, personal_number_sealed__isnull=False).order_by("pk")[:CHUNK])
            if not rows:
                return done
            stale = [r for r in rows if not r.personal_number_sealed.startswith(f"{current}.")]  # type: ignore[attr-defined]
            for row in stale:
                number = personal_numbers.unseal(row.personal_number_sealed)  # type: ignore[attr-defined]
                row.personal_number_sealed = personal_numbers.seal(number)  # type: ignore[attr-defined]
            model._default_manager.bulk_update(stale, ["personal_number_sealed"])
            done += len(stale)
            last = rows[-1].pk


def keys_rotate(*, retire: bool = False) -> dict[str, int]:
    """Add a seal key, make it current, re-seal every number under it; with `retire`, drop the older keys."""
    path = _ring_path()
    personal_numbers.keyring()  # a keyring must exist (made here in development)
    ring = json.loads(path.read_text())
    keys = ring["seal"]["keys"]
    name = f"s{max(int(k[1:]) for k in keys) + 1}"
    keys[name] = personal_numbers.key_new()
    ring["seal"]["current"] = name
    personal_numbers.keyring_write(path, ring, replace=True)
    personal_numbers.keyring_reload()
    counts = {label: _reseal(model, name) for label, model in HOLDERS.items()}
    if retire:
        left = sum(model._default_manager.filter(personal_number_sealed__isnull=False).exclude(
            personal_number_sealed__startswith=f"{name}.").count() for model in HOLDERS.values())
        if left:
            raise RuntimeError(f"{left} numbers are still sealed under an older key: not retiring it")
        ring["seal"]["keys"] = {name: keys[name]}
        personal_numbers.keyring_write(path, ring, replace=True)
        personal_numbers.keyring_reload()
    return counts
