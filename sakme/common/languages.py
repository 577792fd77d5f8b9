"""Which of a record's two texts a person reads: the English one on English pages, the Georgian one otherwise."""

from __future__ import annotations

from django.utils.translation import get_language


def in_english() -> bool:
    """Whether the active language is English (Georgian is the default)."""
    return (get_language() or "ka").startswith("en")


def in_language(ka: str, en: str) -> str:
    """The text of the active language."""
    return en if in_english() else ka
