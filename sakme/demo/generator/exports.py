"""How each source writes a person down: the SSA registry export and the Worknet export with its disagreements."""


from __future__ import annotations

from datetime import date

from sakme.common.georgian import fold, romanize
from sakme.demo.generator.people import People
from sakme.demo.generator.reference import (
    LETTERS,
    REGISTRATION_DAYS,
    REGISTRATION_START,
    SEX_EN,
    SPELLING_VARIANTS,
    DrawnPerson,
    Municipality,
)


class Population(People):
    """The population and how each source writes it down: the SSA registry's spelling and the Worknet export's
    disagreements (transliteration variants, typos, mangled numbers, swapped date parts, moves)."""

    def stray_spaces(self, text: str) -> str:
        """Spaces a clerk left in: before, after, both, or doubled inside a name of several words."""
        draw = self.r()
        if " " in text and draw < 0.25:
            return text.replace(" ", "  ", 1)
        return f" {text}" if draw < 0.5 else f"{text} " if draw < 0.8 else f" {text} "

    def ssa_personal_number(self, number: str) -> str:
        if number[0] == "0" and self.r() < self.leading_zero_drop:
            return number[1:]
        return number

    def ssa_phone(self, phone: str) -> str:
        """The phone as typed into the registry: bare, with +995, grouped by spaces."""
        if not phone:
            return ""
        draw = self.r()
        if draw < 0.65:
            return phone
        grouped = f"{phone[:3]} {phone[3:5]} {phone[5:7]} {phone[7:]}"
        return f"+995 {phone}" if draw < 0.80 else grouped if draw < 0.90 else f"+995 {grouped}"

    # -- the Worknet rendering ---------------------------------------------------------------------

    def latin_name(self, name: str) -> str:
        """A name as a Worknet clerk or the job seeker typed it in Latin letters."""
        draw = self.r()
        if draw < 0.10:
            return romanize(name)
        if draw < 0.72:
            return romanize(name, apostrophes=False)
        if draw < 0.95:
            return self.variant_spelling(name)
        return self.typo(romanize(name, apostrophes=False))

    def variant_spelling(self, name: str) -> str:
        """One or two of the common variant spellings, applied throughout the name."""
        r = self.r
        text = romanize(name).lower()
        for step in range(2 if r() < 0.3 else 1):
            rules = [rule for rule in SPELLING_VARIANTS if rule[0] in text]
            if not rules:
                break
            old, new = rules[int(r() * len(rules))]
            changed = text.replace(old, new)
            # A second rule can eat into the first one's output ("sch" + "ch"->"tsh"); keep what still folds.
            if step and fold(changed) != fold(text):
                break
            text = changed
        text = text.replace("'", "")
        return text[:1].upper() + text[1:]

    def typo(self, text: str) -> str:
        """One inserted, deleted, substituted or transposed character (never the first letter's case)."""
        r = self.r
        lower = text.lower()
        for _ in range(4):
            where = int(r() * len(lower))
            letter = LETTERS[int(r() * len(LETTERS))]
            kind = r()
            if kind < 0.25:
                changed = lower[:where] + letter + lower[where:]
            elif kind < 0.5 and len(lower) > 2:
                changed = lower[:where] + lower[where + 1 :]
            elif kind < 0.75:
                changed = lower[:where] + letter + lower[where + 1 :]
            else:
                where = min(where, len(lower) - 2)
                changed = lower[:where] + lower[where + 1 : where + 2] + lower[where] + lower[where + 2 :]
            if changed != lower:
                return changed[:1].upper() + changed[1:]
        return text

    def worknet_personal_number(self, number: str) -> str:
        """Mostly the number; sometimes missing, mistyped, transposed or mangled by a spreadsheet."""
        r = self.r
        draw = r()
        if draw < 0.90:
            return number
        if draw < 0.95:
            return ""
        if draw < 0.97:
            where = int(r() * len(number))
            digit = str((int(number[where]) + 1 + int(r() * 9)) % 10)
            return number[:where] + digit + number[where + 1 :]
        if draw < 0.98:
            start = int(r() * (len(number) - 1))
            for offset in range(len(number) - 1):
                i = (start + offset) % (len(number) - 1)
                if number[i] != number[i + 1]:
                    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            return number
        if number[0] == "0" and r() < 0.5:
            return number[1:]
        return format(int(number), ".8E")

    def worknet_birth_date(self, birth: date) -> str:
        """ISO mostly, DD/MM/YYYY sometimes; now and then day and month swapped or a digit off."""
        r = self.r
        year, month, day = birth.year, birth.month, birth.day
        draw = r()
        if draw < 0.02:
            if day <= 12 and month <= 12:
                day, month = month, day
        elif draw < 0.03:
            if r() < 0.5:
                last = year % 10
                year += -1 if last == 9 else 1 if last == 0 else (1 if r() < 0.5 else -1)
                if month == 2 and day == 29:
                    day = 28
            else:
                day = day - 1 if day > 1 else day + 1
        if r() < 0.2:
            return f"{day:02d}/{month:02d}/{year}"
        return f"{year}-{month:02d}-{day:02d}"

    def worknet_place(self, person: DrawnPerson) -> tuple[Municipality, str]:
        """The municipality and address Worknet knows: mostly the SSA one, sometimes after a move."""
        r = self.r
        draw = r()
        if draw < 0.03:
            municipality = person.municipality
            for _ in range(10):
                municipality = self.municipalities.pick(r())
                if municipality != person.municipality:
                    break
            return municipality, self.address(municipality)
        if draw < 0.13:
            return person.municipality, self.address(person.municipality)
        return person.municipality, person.address

    def worknet_mobile(self, phone: str) -> str:
        r = self.r
        if phone:
            draw = r()
            return phone if draw < 0.80 else self.mobile() if draw < 0.88 else ""
        return self.mobile() if r() < 0.5 else ""

    def worknet_row(self, person: DrawnPerson, key: str) -> list[str]:
        """The Worknet row of a person, with the disagreements of a second source."""
        r = self.r
        first, last = self.latin_name(person.given), self.latin_name(person.family)
        if r() < 0.01:
            first, last = last, first
        if r() < 0.03:
            first, last = first.upper(), last.upper()
        municipality, address = self.worknet_place(person)
        registered = date.fromordinal(REGISTRATION_START + int(r() * REGISTRATION_DAYS))
        return [
            key,
            self.worknet_personal_number(person.personal_number),
            first,
            last,
            self.worknet_birth_date(person.birth),
            SEX_EN[person.sex],
            municipality.name_en,
            romanize(address, apostrophes=False),
            self.worknet_mobile(person.phone),
            registered.isoformat(),
        ]


