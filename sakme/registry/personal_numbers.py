"""Personal numbers at rest: sealed with AES-256-GCM under keys kept outside the database, found by a keyed hash.

A person's number is stored three ways, none of them the number: its *digest* (HMAC-SHA256 under the index key,
for exact look-up and matching: equal numbers, equal digests), its *seal* (authenticated encryption under the
current seal key, for the few who may reveal it, with a reason) and its last three digits (for the masked form
every page shows). The keyring is a JSON file (0600) outside the database:

    {"seal": {"current": "s2", "keys": {"s1": "<base64 32 bytes>", "s2": "..."}}, "index": "<base64 32 bytes>"}

`sakme keys init` writes one; `sakme keys rotate` adds a seal key and re-seals every number under it (the old key
stays readable until `--retire`). Development, the demo and the tests make their own under var/.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

TAIL = 3  # digits shown of a masked number
MASK = "\u2022" * 8  # what stands for the hidden digits: ••••••••123
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d){9,}")  # 10 digits or more: a number (or one that lost its 0)
PURPOSE = b"sakme personal number"  # bound to every seal: a sealed value of another kind does not open as one


class KeyringMissing(RuntimeError):
    """No keyring where settings say: production must be given one (`sakme keys init`)."""


@dataclass(frozen=True)
class Protected:
    """A number as it is stored: digest for look-up, seal for the reveal, tail for the mask."""

    digest: str
    sealed: str
    tail: str


def key_new() -> str:
    """32 random bytes, base64: a seal key or the index key."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def keyring_new() -> dict[str, Any]:
    return {"seal": {"current": "s1", "keys": {"s1": key_new()}}, "index": key_new()}


def keyring_write(path: Path, ring: dict[str, Any], *, replace: bool = False) -> None:
    """Write the keyring readable by its owner only; never over an existing one unless `replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(ring, handle, indent=1)
    if replace:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # atomic and refuses to overwrite: two processes starting at once agree
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def _may_make_keyring() -> bool:
    return bool(settings.DEBUG or settings.DEMO or os.environ.get("PYTEST_VERSION"))


@dataclass(frozen=True)
class Keyring:
    current: str
    seal_keys: dict[str, AESGCM]
    index_key: bytes


@cache
def keyring() -> Keyring:
    path = Path(settings.SAKME_KEYRING)
    if not path.exists():
        if not _may_make_keyring():
            raise KeyringMissing(f"No keyring at {path}: run `sakme keys init` (keep the file out of the database "
                                 f"and its backups, and back it up on its own).")
        keyring_write(path, keyring_new())
    ring = json.loads(path.read_text())
    keys = {name: AESGCM(base64.b64decode(value)) for name, value in ring["seal"]["keys"].items()}
    return Keyring(ring["seal"]["current"], keys, base64.b64decode(ring["index"]))


def keyring_reload() -> None:
    keyring.cache_clear()


def digest(number: str) -> str:
    """The keyed hash a number is looked up and matched by (128 bits, hex)."""
    return hmac.new(keyring().index_key, number.encode(), hashlib.sha256).hexdigest()[:32]


def seal(number: str) -> str:
    ring = keyring()
    nonce = os.urandom(12)
    box = ring.seal_keys[ring.current].encrypt(nonce, number.encode(), PURPOSE)
    return f"{ring.current}.{base64.urlsafe_b64encode(nonce + box).decode()}"


def unseal(sealed: str) -> str:
    """The number a seal holds; ValueError for a seal of an unknown key or one that was tampered with."""
    name, _dot, body = sealed.partition(".")
    key = keyring().seal_keys.get(name)
    if key is None:  # sealed by a process that has seen a rotation this one has not: read the keyring again
        keyring_reload()
        key = keyring().seal_keys.get(name)
    if key is None:
        raise ValueError(f"personal number sealed under key {name!r}, which the keyring does not hold")
    raw = base64.urlsafe_b64decode(body)
    try:
        return key.decrypt(raw[:12], raw[12:], PURPOSE).decode()
    except InvalidTag as error:
        raise ValueError("a sealed personal number does not open: altered, or sealed under another key") from error


DIGITS = 11


def whole_number(text: str) -> str | None:
    """The personal number a typed text is (11 ASCII digits, spaces allowed), or None."""
    digits = text.replace(" ", "")
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def protect(number: str) -> Protected:
    return Protected(digest(number), seal(number), number[-TAIL:])


def masked(tail: str | None) -> str:
    """The form every page shows: ••••••••123 ("" when there is no number)."""
    return f"{MASK}{tail}" if tail else ""


def mask_text(text: str) -> str:
    """A text as a log or a report may keep it: a run of ten digits or more keeps only its last three."""
    return _DIGIT_RUN.sub(lambda run: masked(re.sub(r"\D", "", run[0])[-TAIL:]), text)


def pseudonym(person_id: int) -> str:
    """A stable pseudonym of a person for analysts: a keyed hash of the id under a key of its own (derived from the
    index key for this one purpose), so it cannot be matched against the look-up digests of numbers."""
    key = hmac.new(keyring().index_key, b"sakme:pseudonym", hashlib.sha256).digest()
    return "P-" + hmac.new(key, str(person_id).encode(), hashlib.sha256).hexdigest()[:12].upper()
