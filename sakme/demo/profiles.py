"""Demo job-seeker profiles and vacancy requirements, and the hires they lead to: what matching is shown and
evaluated on.

Each demo vacancy asks for skills of its occupation and a level of education; each job seeker seeks an occupation
and has skills, mostly of it. Hires are planted with known effects: among the vacancies of the unit open when a
job seeker found work, the one taken is drawn with odds that grow with the skills it asks for that they have, with
their occupation, and with it being in their municipality (HIRE_EFFECTS). Matching should recover that ranking
(`sakme matching evaluate`); text alone should not do as well, since it does not know the place.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

SKILLS = {
    "5120": ("საკვების მომზადება", "ჰიგიენის წესები", "მენიუს დაგეგმვა", "ცომეული", "ხორცის დამუშავება"),
    "5223": ("მომხმარებელთა მომსახურება", "სალარო აპარატი", "საქონლის განლაგება", "ინვენტარიზაცია", "გაყიდვები"),
    "8322": ("B კატეგორიის მართვის მოწმობა", "ქალაქის ცოდნა", "ტვირთის მიტანა", "ავტომობილის მოვლა", "GPS ნავიგაცია"),
    "9112": ("დასუფთავება", "სადეზინფექციო საშუალებები", "ჰიგიენის წესები", "ფანჯრების წმენდა",
             "ნარჩენების დახარისხება"),
    "7112": ("წყობა", "ბეტონის სამუშაოები", "ნახაზის კითხვა", "უსაფრთხოების წესები", "ფილის დაგება"),
    "5131": ("მომხმარებელთა მომსახურება", "სუფრის გაწყობა", "ინგლისური ენა", "სალარო აპარატი", "ღვინის ცოდნა"),
    "4110": ("Microsoft Office", "საქმისწარმოება", "დოკუმენტების არქივირება", "ინგლისური ენა", "ელფოსტის წარმოება"),
    "6111": ("მიწის დამუშავება", "სასოფლო-სამეურნეო ტექნიკა", "ბოსტნეულის მოყვანა", "მორწყვა", "სათბურის მოვლა"),
    "7411": ("ელექტროგაყვანილობა", "უსაფრთხოების წესები", "ნახაზის კითხვა", "ელექტრო ფარები", "გაზომვის ხელსაწყოები"),
    "3221": ("პაციენტის მოვლა", "პირველადი დახმარება", "ინექციები", "სამედიცინო ჩანაწერები", "სტერილიზაცია"),
    "2512": ("Python", "SQL", "ვებ-დეველოპმენტი", "Git", "ინგლისური ენა"),
    "9333": ("ტვირთის დატვირთვა", "საწყობის აღრიცხვა", "ავტომტვირთავის მართვა", "უსაფრთხოების წესები", "შეფუთვა"),
}
OCCUPATIONS = tuple(SKILLS)
EDUCATION_ASKED = {"2512": "6", "3221": "5", "4110": "4"}  # others ask for upper secondary ("3") or nothing
# log-odds of a vacancy being the one taken: per share of its skills they have, same occupation, same municipality
HIRE_EFFECTS = {"skills": 12.0, "occupation": 3.0, "place": 8.0}


@dataclass(frozen=True)
class Profile:
    occupation: str
    skills: frozenset[str]


def vacancy_requirements(rng: random.Random, code: str) -> dict[str, str]:
    """The skills (two to four of the occupation's) and the education a demo vacancy asks for."""
    asked = rng.sample(SKILLS[code], rng.randint(2, 4))
    education = EDUCATION_ASKED.get(code, "3" if rng.random() < 0.5 else "")
    return {"required_skills": ", ".join(asked), "required_education": education}


def seeker_profile(rng: random.Random) -> Profile:
    """An occupation sought and skills: two to four of it, and now and then one of another occupation."""
    code = rng.choice(OCCUPATIONS)
    skills = set(rng.sample(SKILLS[code], rng.randint(2, 4)))
    if rng.random() < 0.3:
        skills.add(rng.choice(SKILLS[rng.choice(OCCUPATIONS)]))
    return Profile(code, frozenset(skills))


def hire_among(rng: random.Random, profile: Profile, municipality_id: int | None,
               vacancies: list[tuple[int, str, str, int | None]]) -> int:
    """Index of the vacancy taken among (id, occupation, required skills, municipality id), drawn with the planted
    odds."""
    weights = []
    for _id, code, required, place in vacancies:
        asked = [s.strip() for s in required.split(",") if s.strip()]
        share = sum(s in profile.skills for s in asked) / len(asked) if asked else 0.0
        logit = (HIRE_EFFECTS["skills"] * share + HIRE_EFFECTS["occupation"] * (code == profile.occupation)
                 + HIRE_EFFECTS["place"] * (place is not None and place == municipality_id))
        weights.append(math.exp(logit))
    return rng.choices(range(len(vacancies)), weights)[0]
