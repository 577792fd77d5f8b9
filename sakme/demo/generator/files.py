"""Writing the three files of the population, row by row as they are drawn."""


from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from sakme.demo.generator.exports import Population
from sakme.demo.generator.reference import (
    ACTIVE,
    ASSESSMENT_DAYS,
    ASSESSMENT_START,
    DISABILITY_SHARE,
    JOBSEEKER_AGES,
    SEX_KA,
    SSA_FILE,
    SSA_HEADER,
    SUSPENDED,
    TERMINATED,
    TRUTH_FILE,
    TRUTH_HEADER,
    WORKNET_FILE,
    WORKNET_HEADER,
    Permutation,
    date_text_ssa,
    load_territory,
)


def generate(
    out_dir: Path, *, persons: int, seed: int, worknet: int | None = None, overlap: float = 0.7
) -> dict[str, Path]:
    """Write ssa_registry.csv, worknet_jobseekers.csv and truth.csv into `out_dir` and return their paths.

    `persons` SSA rows in households; `worknet` Worknet rows in all (default a tenth of `persons`, at least
    one), of which about `overlap` are people of the SSA file (drawn among those aged 18-64 while the SSA
    file is written) and the rest new people. Same arguments, same bytes.
    """
    if persons < 1:
        raise ValueError(f"persons must be at least 1, not {persons}")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"overlap must be between 0 and 1, not {overlap}")
    worknet_total = max(1, persons // 10) if worknet is None else worknet
    if worknet_total < 0:
        raise ValueError(f"worknet must not be negative, not {worknet}")
    if persons + worknet_total > 10**9:
        raise ValueError("at most 10**9 people in all: personal numbers have nine digits after the prefix")

    rng = random.Random(seed)
    population = Population(rng, load_territory())
    r = rng.random
    worknet_ids = Permutation(10 ** max(7, len(str(worknet_total))), rng)
    worknet_width = max(7, len(str(worknet_total)))
    width = max(8, len(str(persons)))
    overlap_target = min(persons, round(worknet_total * overlap))

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"ssa": out_dir / SSA_FILE, "worknet": out_dir / WORKNET_FILE, "truth": out_dir / TRUTH_FILE}
    worknet_rows = sampled = seen = eligible_seen = 0
    low_age, high_age = JOBSEEKER_AGES

    def next_worknet_key() -> str:
        nonlocal worknet_rows
        key = f"WN{worknet_ids(worknet_rows):0{worknet_width}d}"
        worknet_rows += 1
        return key

    with (
        paths["ssa"].open("w", encoding="utf-8-sig", newline="", buffering=1 << 20) as ssa_file,
        paths["worknet"].open("w", encoding="utf-8", newline="", buffering=1 << 20) as worknet_file,
        paths["truth"].open("w", encoding="utf-8", newline="", buffering=1 << 16) as truth_file,
    ):
        ssa_out = csv.writer(ssa_file, delimiter=";", lineterminator="\r\n")
        worknet_out = csv.writer(worknet_file, delimiter=",", lineterminator="\n")
        truth_out = csv.writer(truth_file, delimiter=",", lineterminator="\n")
        ssa_out.writerow(SSA_HEADER)
        worknet_out.writerow(WORKNET_HEADER)
        truth_out.writerow(TRUTH_HEADER)

        household_number = 0
        while seen < persons:
            household_number += 1
            household_key = f"H{household_number:0{width}d}"
            members = population.household(min(population.sizes.pick(r()), persons - seen))
            low, high, _, active, suspended = population.bands.pick(r())
            score = str(low + int(r() * (high - low + 1)))
            draw = r()
            status = ACTIVE if draw < active else SUSPENDED if draw < active + suspended else TERMINATED
            assessed = date_text_ssa(date.fromordinal(ASSESSMENT_START + int(r() * ASSESSMENT_DAYS)))
            for person, relation in members:
                seen += 1
                ssa_key = f"SSA{seen:0{width}d}"
                given, family = person.given, person.family
                if r() < 0.01:
                    if r() < 0.6:
                        given = population.stray_spaces(given)
                    else:
                        family = population.stray_spaces(family)
                disability = population.disability.pick(r()) if r() < DISABILITY_SHARE else ""
                ssa_out.writerow((
                    ssa_key,
                    population.ssa_personal_number(person.personal_number),
                    given,
                    family,
                    date_text_ssa(person.birth),
                    SEX_KA[person.sex],
                    person.municipality.name_ka,
                    person.address,
                    population.ssa_phone(person.phone),
                    disability,
                    household_key,
                    relation,
                    score,
                    assessed,
                    status,
                ))  # fmt: skip
                if low_age <= person.age <= high_age:
                    eligible_seen += 1
                    needed = overlap_target - sampled
                    if needed > 0:
                        # Selection sampling over the expected number of eligible people still to come.
                        eligible_rate = (eligible_seen + 6) / (seen + 10)
                        expected_left = max(1.0, (persons - seen + 1) * eligible_rate)
                        if r() * expected_left < needed:
                            sampled += 1
                            worknet_key = next_worknet_key()
                            worknet_out.writerow(population.worknet_row(person, worknet_key))
                            truth_out.writerow((ssa_key, worknet_key))

        while worknet_rows < worknet_total:
            worknet_out.writerow(population.worknet_row(population.jobseeker(), next_worknet_key()))
    return paths

