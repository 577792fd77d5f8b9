"""Georgian script: the national romanization (2002) and name folding for matching and search.

The romanization is the one of DOMAIN.md. Folding collapses the spellings people actually use for
the same name (apostrophes dropped, kh/x, ts/c, q/k, sh/sch, shvili/chvili, ...) into one key, so that
"ბერიძე", "Beridze", "Berize" and "Berdize" land near each other and "Kharaishvili" equals "Xaraisvili".
"""

from __future__ import annotations

import re
import unicodedata

# Mkhedruli letter -> national romanization (2002). Ejectives carry an apostrophe.
ROMANIZATION: dict[str, str] = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
    "ი": "i", "კ": "k'", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p'", "ჟ": "zh",
    "რ": "r", "ს": "s", "ტ": "t'", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q'",
    "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz", "წ": "ts'", "ჭ": "ch'", "ხ": "kh", "ჯ": "j",
    "ჰ": "h",
}  # fmt: skip

# Mtavruli (capital) letters U+1C90.. map onto Mkhedruli U+10D0..; fold them first.
_MTAVRULI = str.maketrans({chr(0x1C90 + i): chr(0x10D0 + i) for i in range(0x1CBA - 0x1C90 + 1)})
_MTAVRULI_RE = re.compile("[\u1c90-\u1cba]")
_ROMAN_TABLE = str.maketrans({**ROMANIZATION})
_ROMAN_TABLE_PLAIN = str.maketrans({k: v.replace("'", "") for k, v in ROMANIZATION.items()})
_GEORGIAN_RE = re.compile("[\u10a0-\u10ff\u1c90-\u1cbf\u2d00-\u2d2f]")
_APOSTROPHES = "'’`ʼ´‘"

# Variant spellings seen in Latin copies of Georgian names, folded to one form. Order matters:
# longer patterns first, so that "tsch" is not half-eaten by "ts".
_FOLDS: tuple[tuple[str, str], ...] = (
    ("chvili", "shvili"), ("schvili", "shvili"), ("svili", "shvili"),
    ("sch", "sh"), ("tch", "ch"), ("tsh", "ch"), ("dzh", "j"),
    ("kh", "x"), ("gh", "g"), ("zh", "j"), ("ts", "c"), ("tz", "c"), ("dz", "z"),
    ("sh", "s"), ("ch", "c"), ("q", "k"), ("w", "v"), ("y", "i"), ("ph", "p"), ("th", "t"),
)  # fmt: skip
_NON_LETTER_RE = re.compile(r"[^a-z]+")
_DOUBLE_RE = re.compile(r"(.)\1+")


def has_georgian(text: str) -> bool:
    """True when the text holds at least one Georgian letter."""
    return bool(_GEORGIAN_RE.search(text))


def normalize(text: str) -> str:
    """NFC, Mtavruli folded to Mkhedruli, inner whitespace collapsed, ends stripped."""
    # Most cells (digits, dates, Latin, plain Mkhedruli) need neither step: test for them in C first.
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _MTAVRULI_RE.search(text):
            text = text.translate(_MTAVRULI)
    return " ".join(text.split())


def romanize(text: str, *, apostrophes: bool = True) -> str:
    """Georgian script -> Latin by the national system; Latin letters pass through unchanged.

    The result is capitalised per word when the input was Georgian (Georgian has no case).
    """
    text = normalize(text)
    if not has_georgian(text):
        return text
    latin = text.translate(_ROMAN_TABLE if apostrophes else _ROMAN_TABLE_PLAIN)
    return " ".join(word[:1].upper() + word[1:] for word in latin.split(" "))


def fold(text: str, *, doubles: bool = False) -> str:
    """A matching key: romanized, lower case, no apostrophes or punctuation, variant spellings folded.

    Two spellings of one name that differ only by the usual transliteration variants get the same key;
    folding a key again gives the same key. With `doubles`, doubled letters are kept ("taar" stays "taar",
    not "tar"): what a typo search measures from, where a slip that doubles a letter is one edit, not two.
    """
    latin = romanize(text, apostrophes=False).lower()
    for ch in _APOSTROPHES:  # before NFKD, which would turn some of them into spaces
        latin = latin.replace(ch, "")
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(c for c in latin if not unicodedata.combining(c))
    words = []
    for word in _NON_LETTER_RE.split(latin):
        while word:  # until nothing changes: collapsing "ss" may make a new pair to fold
            folded = word
            for old, new in _FOLDS:
                folded = folded.replace(old, new)
            if not doubles:
                folded = _DOUBLE_RE.sub(r"\1", folded)
            if folded == word:
                break
            word = folded
        if word:
            words.append(word)
    return " ".join(words)
