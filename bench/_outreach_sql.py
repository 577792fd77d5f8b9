"""The outreach bench's SQL: the population written set-based (generate_series, one statement per table, no ORM) and
the hand-written query the outreach list is compared with.

The population: `persons` persons in households of one to seven (a skewed draw: most of one to four), in the 70 units
with the Tbilisi centres larger (TB-2 the largest, about 6 % of everyone); 38 % of households assessed one to three
times, the latest assessment active for 88 % of them (about a third of everyone on assistance now); an SSA record for
every person; Worknet records for 7 % and sakme job-seeker profiles for 3 %; 2 % linked through a cluster to a Worknet
record of another person id (a Worknet-only duplicate), 1 % to an SSA record of another person id who seeks no work;
2 % with a severe disability. Random draws are seeded (`setseed`) and run without parallel workers, so one seed gives
one population.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

STEPS: list[tuple[str, str]] = [
    ("units", """
        CREATE TEMP TABLE bench_units AS
        SELECT id, municipality_id, code,
               SUM(w) OVER (ORDER BY code) - w AS lo, SUM(w) OVER (ORDER BY code) AS hi
        FROM (SELECT id, municipality_id, code,
                     CASE WHEN code = 'TB-2' THEN 90 WHEN code LIKE 'TB-%%' THEN 40 ELSE 20 END AS w
              FROM geo_territorialunit WHERE is_active) AS u"""),
    ("households (drawn)", """
        CREATE TEMP TABLE bench_hh AS
        WITH drawn AS (
            SELECT g AS h, random() AS pick, 1 + floor(7 * random() * random())::int AS size, random() AS enrolled,
                   random() AS state, 1 + floor(3 * random())::int AS assessments, random() AS score
            FROM generate_series(1, %(persons)s) AS g),
        summed AS (SELECT *, SUM(size) OVER (ORDER BY h) AS upto FROM drawn)
        SELECT nextval(pg_get_serial_sequence('registry_household', 'id')) AS id, s.h,
               LEAST(s.size, %(persons)s - (s.upto - s.size))::int AS size, s.enrolled, s.state, s.assessments,
               s.score, u.id AS unit_id, u.municipality_id
        FROM summed AS s
        JOIN bench_units AS u ON s.pick * (SELECT MAX(hi) FROM bench_units) >= u.lo
                              AND s.pick * (SELECT MAX(hi) FROM bench_units) < u.hi
        WHERE s.upto - s.size < %(persons)s
        ORDER BY s.h"""),
    ("households", """
        INSERT INTO registry_household (id, source_id, key, municipality_id, unit_id, address, created_at, updated_at)
        SELECT id, %(ssa)s, 'BH' || h, municipality_id, unit_id, 'ქუჩა ' || h, now(), now() FROM bench_hh"""),
    ("persons (drawn)", """
        CREATE TEMP TABLE bench_p AS
        SELECT nextval(pg_get_serial_sequence('registry_person', 'id')) AS id, hh.id AS household_id, k,
               hh.unit_id, hh.municipality_id,
               (%(as_of)s::date - (CASE WHEN k <= 2 OR random() < 0.3 THEN 6570 + floor(random() * 20000)
                                        ELSE floor(random() * 6570) END)::int) AS birth_date,
               CASE WHEN random() < 0.02 THEN 'severe' WHEN random() < 0.03 THEN 'moderate' ELSE '' END
                   AS disability_status,
               random() AS seeks, random() AS linked
        FROM bench_hh AS hh CROSS JOIN LATERAL generate_series(1, hh.size) AS k
        ORDER BY hh.id, k"""),
    ("persons", """
        INSERT INTO registry_person (id, personal_number_tail, given_name_ka, family_name_ka, given_name_lat,
            family_name_lat, family_key, given_key, birth_date, sex, municipality_id, unit_id, address, phone,
            disability_status, primary_source_id, created_at, updated_at, version)
        SELECT id, lpad((id %% 1000)::text, 3, '0'), 'ნინო', 'ბერიძე' || (id %% 97), 'Nino',
               'Beridze' || (id %% 97), 'beridze' || (id %% 97), 'nino', birth_date,
               CASE WHEN id %% 2 = 0 THEN 'F' ELSE 'M' END, municipality_id, unit_id, '', '555 ' || (id %% 1000000),
               disability_status, %(ssa)s, now(), now(), 1
        FROM bench_p"""),
    ("memberships", """
        INSERT INTO registry_membership (household_id, person_id, relation, created_at, updated_at)
        SELECT household_id, id, CASE WHEN k = 1 THEN 'head' WHEN birth_date > %(as_of)s::date - 6570 THEN 'child'
                                     ELSE 'other' END, now(), now()
        FROM bench_p"""),
    ("enrolments", """
        INSERT INTO registry_enrolment (household_id, rating_score, assessment_date, status, origin, created_at,
            updated_at)
        SELECT hh.id, floor(100000 * hh.score * hh.score)::int + 1000 * (hh.assessments - a),
               %(as_of)s::date - (30 + (hh.h %% 900) + 730 * (hh.assessments - a))::int,
               CASE WHEN a < hh.assessments THEN 'active' WHEN hh.state < 0.88 THEN 'active'
                    WHEN hh.state < 0.95 THEN 'suspended' ELSE 'terminated' END, 'imported', now(), now()
        FROM bench_hh AS hh CROSS JOIN LATERAL generate_series(1, hh.assessments) AS a
        WHERE hh.enrolled < 0.38"""),
    ("batches", """
        INSERT INTO registry_importbatch (kind, source_id, file_name, file_path, file_sha256, mapping, all_or_nothing,
            status, rows_total, created, updated, unchanged, skipped, error_count, warning_count, message,
            created_at, updated_at)
        SELECT 'persons', s.id, s.code || '-bench.csv', '', repeat('0', 64), '{}', true, 'succeeded', 0, 0, 0, 0, 0,
               0, 0, '', now(), now()
        FROM registry_sourcesystem AS s WHERE s.code IN ('ssa', 'worknet')"""),
    ("duplicates (drawn)", """
        CREATE TEMP TABLE bench_dup AS
        SELECT p.id AS of_person, nextval(pg_get_serial_sequence('registry_person', 'id')) AS id,
               nextval(pg_get_serial_sequence('linkage_cluster', 'id')) AS cluster_id,
               CASE WHEN p.linked < 0.02 THEN 'worknet' ELSE 'ssa' END AS source
        FROM bench_p AS p WHERE p.linked < 0.03"""),
    ("duplicate persons", """
        INSERT INTO registry_person (id, personal_number_tail, given_name_ka, family_name_ka, given_name_lat,
            family_name_lat, family_key, given_key, birth_date, sex, municipality_id, unit_id, address, phone,
            disability_status, primary_source_id, created_at, updated_at, version)
        SELECT d.id, p.personal_number_tail, p.given_name_ka, p.family_name_ka, p.given_name_lat, p.family_name_lat,
               p.family_key, p.given_key, p.birth_date, p.sex, p.municipality_id, p.unit_id, '', '',
               '', (SELECT id FROM registry_sourcesystem WHERE code = d.source), now(), now(), 1
        FROM bench_dup AS d JOIN registry_person AS p ON p.id = d.of_person"""),
    ("source records", """
        INSERT INTO registry_sourcerecord (source_id, key, person_id, batch_id, row, given_name, family_name, sex,
            address, phone, birth_date)
        SELECT s.id, r.key, r.person_id, b.id, r.row, 'ნინო', 'ბერიძე', '', '', '', NULL
        FROM (SELECT 'ssa' AS source, 'S' || id AS key, id AS person_id, id AS row FROM bench_p
              UNION ALL SELECT 'worknet', 'W' || id, id, id FROM bench_p WHERE seeks < 0.07
              UNION ALL SELECT source, 'D' || id, id, id FROM bench_dup) AS r
        JOIN registry_sourcesystem AS s ON s.code = r.source
        JOIN registry_importbatch AS b ON b.source_id = s.id AND b.file_name LIKE '%%-bench.csv'"""),
    ("job seekers", """
        INSERT INTO employment_jobseeker (person_id, unit_id, registered_on, education, skills, languages,
            driving_licence, availability, accommodations, created_at, updated_at, version)
        SELECT id, unit_id, %(as_of)s::date - (id %% 2000)::int, '', '', '', '', 'full_time', '', now(), now(), 1
        FROM bench_p WHERE seeks >= 0.07 AND seeks < 0.10 AND birth_date <= %(as_of)s::date - 5840"""),
    ("clusters", """
        INSERT INTO linkage_cluster (id, size, created_at) SELECT cluster_id, 2, now() FROM bench_dup"""),
    ("cluster members", """
        INSERT INTO linkage_clustermember (cluster_id, record_id, probability)
        SELECT d.cluster_id, r.id, 0.99 FROM bench_dup AS d
        JOIN registry_sourcerecord AS r ON r.source_id = %(ssa)s AND r.key = 'S' || d.of_person
        UNION ALL
        SELECT d.cluster_id, r.id, 0.99 FROM bench_dup AS d
        JOIN registry_sourcesystem AS s ON s.code = d.source
        JOIN registry_sourcerecord AS r ON r.source_id = s.id AND r.key = 'D' || d.id"""),
]


def generate(conn: Any, *, persons: int, as_of: dt.date, seed: float, log: Any = print) -> dict[str, float]:
    """Write the population in one transaction; returns the seconds each step took."""
    import time

    ssa = conn.execute("SELECT id FROM registry_sourcesystem WHERE code = 'ssa'").fetchone()[0]
    params = {"persons": persons, "as_of": as_of, "ssa": ssa}
    conn.execute("SET max_parallel_workers_per_gather = 0")  # one process draws: one seed, one population
    conn.execute("SELECT setseed(%s)", [seed])
    seconds = {}
    for name, sql in STEPS:
        started = time.perf_counter()
        conn.execute(sql, params)
        seconds[name] = round(time.perf_counter() - started, 1)
        log(f"    {name}: {seconds[name]} s")
    conn.commit()
    return seconds


# The outreach list of one unit, written by hand: each household's figures computed once (not once per member), the
# job seekers left out by the same three routes. Returns the first page and the count in one statement.
HANDWRITTEN = """
WITH unit_households AS (
    SELECT id FROM registry_household WHERE unit_id = %(unit)s
), latest AS (
    SELECT DISTINCT ON (e.household_id) e.household_id, e.rating_score, e.status
    FROM registry_enrolment AS e JOIN unit_households AS h ON h.id = e.household_id
    ORDER BY e.household_id, e.assessment_date DESC
), on_assistance AS (
    SELECT l.household_id, l.rating_score AS score,
           (SELECT MIN(e.assessment_date) FROM registry_enrolment AS e WHERE e.household_id = l.household_id) AS since
    FROM latest AS l WHERE l.status = 'active'
), sizes AS (
    SELECT m.household_id, COUNT(*) AS members, COUNT(*) FILTER (WHERE p.birth_date > %(child)s) AS children
    FROM registry_membership AS m JOIN registry_person AS p ON p.id = m.person_id
    WHERE m.household_id IN (SELECT household_id FROM on_assistance)
    GROUP BY m.household_id
), seeker_sources AS (
    SELECT id FROM registry_sourcesystem WHERE holds_job_seekers
), listed AS (
    SELECT p.id, a.score, s.children, s.members, a.since
    FROM on_assistance AS a
    JOIN sizes AS s ON s.household_id = a.household_id
    JOIN registry_membership AS m ON m.household_id = a.household_id
    JOIN registry_person AS p ON p.id = m.person_id
    WHERE p.birth_date > %(born_after)s AND p.birth_date <= %(born_by)s AND p.disability_status <> 'severe'
      AND NOT EXISTS (SELECT 1 FROM employment_jobseeker AS j WHERE j.person_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM registry_sourcerecord AS r
                      WHERE r.person_id = p.id AND r.source_id IN (SELECT id FROM seeker_sources))
      AND NOT EXISTS (SELECT 1 FROM registry_sourcerecord AS r1
                      JOIN linkage_clustermember AS m1 ON m1.record_id = r1.id
                      JOIN linkage_clustermember AS m2 ON m2.cluster_id = m1.cluster_id
                      JOIN registry_sourcerecord AS r2 ON r2.id = m2.record_id
                      WHERE r1.person_id = p.id
                        AND (r2.source_id IN (SELECT id FROM seeker_sources)
                             OR EXISTS (SELECT 1 FROM employment_jobseeker AS j2 WHERE j2.person_id = r2.person_id)))
)
SELECT id, score, children, members, since, COUNT(*) OVER () AS total
FROM listed
ORDER BY score, children DESC, since, id
LIMIT %(size)s OFFSET %(offset)s
"""
