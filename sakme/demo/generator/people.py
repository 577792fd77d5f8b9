"""The people of the population: persons, households of one to eight, job seekers who are not in the registry."""


from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sakme.demo import names
from sakme.demo.generator.reference import (
    CHILD,
    DEFAULT_MUNICIPALITY_POPULATION,
    DISABILITY_STATUSES,
    GRANDCHILD,
    HEAD,
    HOUSEHOLD_SIZES,
    JOBSEEKER_AGES,
    MAX_AGE,
    MOBILE_PREFIXES,
    MUNICIPALITY_POPULATION,
    OTHER,
    PARENT,
    REFERENCE_DATE,
    SCORE_BANDS,
    SIBLING,
    SPOUSE,
    TBILISI_CODE,
    TBILISI_SHARE,
    DrawnPerson,
    Municipality,
    Permutation,
    Picker,
    Territory,
)


class People:
    """The random draws of the population, in one fixed order over one random.Random."""

    def __init__(self, rng: random.Random, territory: Territory) -> None:
        self.rng = rng
        self.r: Callable[[], float] = rng.random
        self.territory = territory
        others = [m for m in territory.municipalities if m.code != TBILISI_CODE]
        tbilisi = [m for m in territory.municipalities if m.code == TBILISI_CODE]
        other_weight = sum(
            MUNICIPALITY_POPULATION.get(m.code, DEFAULT_MUNICIPALITY_POPULATION) for m in others
        )
        weights = [(m, TBILISI_SHARE / (1 - TBILISI_SHARE) * other_weight) for m in tbilisi] + [
            (m, MUNICIPALITY_POPULATION.get(m.code, DEFAULT_MUNICIPALITY_POPULATION)) for m in others
        ]
        self.municipalities = Picker(weights)
        self.districts = Picker(territory.tbilisi_districts or (("", 1),))
        self.male = Picker(names.MALE_GIVEN_NAMES)
        self.female = Picker(names.FEMALE_GIVEN_NAMES)
        self.family = Picker(names.FAMILY_NAMES)
        self.sizes = Picker(HOUSEHOLD_SIZES)
        self.bands = Picker([(band, band[2]) for band in SCORE_BANDS])
        self.disability = Picker(DISABILITY_STATUSES)
        self.personal_numbers = Permutation(10**9, rng)
        self.people_drawn = 0
        # For each age, the first day of birth that gives it on REFERENCE_DATE and the number of such days.
        self.birth_windows = [
            (
                REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age - 1).toordinal() + 1,
                REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age).toordinal()
                - REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age - 1).toordinal(),
            )
            for age in range(MAX_AGE + 1)
        ]
        # Drop the leading zero in about 0.5 % of all SSA rows: scale by the share of numbers that have one.
        total = sum(weight for _, weight in weights)
        zero_share = sum(
            weight / total * (0.75 * (m.personal_number_prefix < "10") + 0.25 * 9 / 60)
            for m, weight in weights
        )
        self.leading_zero_drop = min(1.0, 0.005 / zero_share) if zero_share else 0.0

    # -- people ------------------------------------------------------------------------------------

    def personal_number(self, municipality: Municipality) -> str:
        """A unique 11-digit number: an office prefix and a permuted running number."""
        r = self.r
        prefix = municipality.personal_number_prefix if r() < 0.75 else f"{1 + int(r() * 60):02d}"
        suffix = self.personal_numbers(self.people_drawn)
        self.people_drawn += 1
        return f"{prefix}{suffix:09d}"

    def given_name(self, sex: str) -> str:
        return (self.male if sex == "m" else self.female).pick(self.r())

    def birth_date(self, age: int) -> date:
        """A birthday that makes the person exactly `age` years old on REFERENCE_DATE."""
        first, days = self.birth_windows[age]
        return date.fromordinal(first + int(self.r() * days))

    def address(self, municipality: Municipality) -> str:
        """A street address in Georgian; Tbilisi addresses start with the district."""
        r = self.r
        streets = names.STREETS
        street = streets[int(r() * len(streets))]
        kind = "გამზ." if r() < 0.12 else "ქ."
        text = f"{street} {kind} {1 + int(r() * r() * 150)}"
        flats = 0.7 if municipality.code == TBILISI_CODE else 0.5 if municipality.kind == "city" else 0.12
        if r() < flats:
            text += f", ბ. {1 + int(r() * 120)}"
        if municipality.code == TBILISI_CODE:
            text = f"{self.districts.pick(r())}, {text}"
        return text

    def mobile(self) -> str:
        r = self.r
        return f"{MOBILE_PREFIXES[int(r() * len(MOBILE_PREFIXES))]}{int(r() * 1_000_000):06d}"

    def person(self, sex: str, age: int, family: str, municipality: Municipality, address: str) -> DrawnPerson:
        """A person with a fresh personal number, given name, birthday and (most of the time) a phone."""
        phone = self.mobile() if self.r() < 0.85 else ""
        return DrawnPerson(
            self.personal_number(municipality), self.given_name(sex), family, sex, age, self.birth_date(age),
            municipality, address, phone,
        )  # fmt: skip

    def household(self, size: int) -> list[tuple[DrawnPerson, str]]:
        """A household of `size` members as (person, relation to head), the head first."""
        r = self.r
        municipality = self.municipalities.pick(r())
        address = self.address(municipality)
        family = self.family.pick(r())
        head_sex = "m" if r() < 0.62 else "f"
        head_age = 25 + int(r() * 56)
        head = self.person(head_sex, head_age, family, municipality, address)
        members = [(head, HEAD)]
        parents = 0
        first_parent_sex = ""
        for slot in range(1, size):
            draw = r()
            if slot == 1 and draw < 0.75:
                relation = SPOUSE
            else:
                draw = r()
                relation = (
                    CHILD if draw < 0.70 else GRANDCHILD if draw < 0.80 else PARENT if draw < 0.88
                    else SIBLING if draw < 0.94 else OTHER
                )  # fmt: skip
            if relation == CHILD and head_age > 68:
                relation = GRANDCHILD
            elif relation == GRANDCHILD and head_age < 40:
                relation = CHILD
            elif relation == PARENT and (parents == 2 or head_age > 75):
                relation = OTHER
            sex = "m" if r() < 0.51 else "f"
            surname = family
            if relation == SPOUSE:
                sex = "f" if head_sex == "m" else "m"
                age = max(18, head_age + (int(r() * 13) - 8 if head_sex == "m" else int(r() * 13) - 4))
                if sex == "f" and r() < 0.15:
                    surname = self.family.pick(r())
            elif relation == CHILD:
                low, high = max(0, head_age - 45), min(25, head_age - 18)
                age = low + int(r() * (high - low + 1))
                if head_sex == "f" and r() < 0.3:
                    surname = self.family.pick(r())
            elif relation == GRANDCHILD:
                age = int(r() * (min(25, head_age - 38) + 1))
                if r() < 0.35:
                    surname = self.family.pick(r())
            elif relation == PARENT:
                if parents == 0:
                    first_parent_sex = sex = "f" if r() < 0.6 else "m"
                else:
                    sex = "m" if first_parent_sex == "f" else "f"
                parents += 1
                age = min(MAX_AGE, head_age + 18 + int(r() * 23))
                if sex == "f" and r() < 0.2:
                    surname = self.family.pick(r())
            elif relation == SIBLING:
                age = max(0, head_age - 12 + int(r() * 25))
                if sex == "f" and r() < 0.35:
                    surname = self.family.pick(r())
            else:
                age = int(r() * 86)
                surname = self.family.pick(r())
            age = max(0, min(MAX_AGE, age))
            member = self.person(sex, age, surname, municipality, address)
            if age < 14:
                member.phone = head.phone if r() < 0.7 else ""
            members.append((member, relation))
        return members

    def jobseeker(self) -> DrawnPerson:
        """A person who is in Worknet but not in the SSA registry."""
        r = self.r
        municipality = self.municipalities.pick(r())
        sex = "m" if r() < 0.5 else "f"
        low, high = JOBSEEKER_AGES
        age = low + int(r() * (high - low + 1))
        return self.person(sex, age, self.family.pick(r()), municipality, self.address(municipality))

    # -- the SSA rendering -------------------------------------------------------------------------

