"""What a search box holds besides the name: a birth date or year, a municipality, a sex, in either script and in
any order ("giorgi beridze 1987", "ბერიძე გიორგი 05.03.1987 თელავი ქალი"). The parse is shown back to the user, so
a word taken for a municipality or a sex is never taken silently."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sakme.common.georgian import fold
from sakme.geo.models import Municipality
from sakme.registry.models import Sex

FIRST_YEAR = 1900
BORN_HELP = _("Write a year (1987) or a date (05.03.1987).")
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")  # 05.03.1987, 5/3/1987, 05-03-1987
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
_SEX_WORDS = {fold(word): sex for words, sex in (
    (("ქალი", "მდედრობითი", "female", "woman", "women"), Sex.FEMALE),
    (("კაცი", "მამრობითი", "male", "man", "men"), Sex.MALE),
) for word in words}


@dataclass(frozen=True)
class SearchQuery:
    """The name words typed and what was understood besides them."""

    words: tuple[str, ...] = ()
    birth_date: dt.date | None = None
    birth_year: int | None = None
    municipality: Municipality | None = None
    sex: str = ""
    not_understood: tuple[str, ...] = field(default=())  # a date that is none (31.02.1987), stray digits

    @property
    def name(self) -> str:
        return " ".join(self.words)

    @property
    def narrowed(self) -> bool:
        return bool(self.birth_date or self.birth_year or self.municipality or self.sex)


def born_from(text: str) -> tuple[dt.date | None, int | None] | None:
    """A birth date or a birth year written as people write them; None when the text is neither."""
    text = text.strip()
    today = timezone.localdate()
    if _YEAR.match(text):
        return (None, int(text)) if FIRST_YEAR <= int(text) <= today.year else None
    if found := _DATE.match(text):
        day, month, year = found.groups()
    elif found := _ISO_DATE.match(text):
        year, month, day = found.groups()
    else:
        return None
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return (date, None) if date.year >= FIRST_YEAR and date <= today else None


def _municipalities() -> dict[str, Municipality]:
    return {fold(name): m for m in Municipality.objects.all() for name in (m.name_ka, m.name_en) if fold(name)}


def parse(text: str, *, filters: dict[str, Any] | None = None) -> SearchQuery:
    """The words of a name, and a birth date or year, a municipality and a sex found among the others. Filters chosen
    beside the box (born, municipality, sex) win over what the box says.

    A municipality or a sex is taken from the box only while a name word is left: "Telavi" alone is a name.
    """
    tokens = text.split()
    words: list[str] = []
    query = SearchQuery()
    unclear: list[str] = []
    for token in tokens:
        if any(ch.isdigit() for ch in token):
            born = born_from(token)
            if born is None:
                unclear.append(token)
            else:
                query = replace(query, birth_date=born[0], birth_year=born[1])
        elif fold(token):
            words.append(token)
    places = _municipalities() if len(words) > 1 else {}
    for word in list(words):
        if len(words) > 1 and not query.sex and fold(word) in _SEX_WORDS:
            query = replace(query, sex=_SEX_WORDS[fold(word)])
            words.remove(word)
        elif len(words) > 1 and query.municipality is None and fold(word) in places:
            query = replace(query, municipality=places[fold(word)])
            words.remove(word)
    query = replace(query, words=tuple(words), not_understood=tuple(unclear))
    chosen = filters or {}
    if chosen.get("born"):
        born = born_from(str(chosen["born"]))
        if born is not None:
            query = replace(query, birth_date=born[0], birth_year=born[1])
    if chosen.get("municipality"):
        query = replace(query, municipality=chosen["municipality"])
    if chosen.get("sex"):
        query = replace(query, sex=chosen["sex"])
    return query
