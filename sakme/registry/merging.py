"""Merging persons found to be one, and undoing it: the mechanics, set-based (the services are in merges.py).

**Who survives.** The person whose primary source ranks first (lowest `SourceSystem.rank`; a person without a primary
source ranks last), then the older one (the lower id). Of several persons found to be one (a cluster of linked
records over three persons), all are merged into that one.

**Whose values.** As the importer's survivorship (`importing/upsert.py`): the survivor's values stay (its primary
source is the most trusted); the merged person only fills what is blank (NULL or ""), field by field. Its personal
number moves to a survivor without one (the three forms together, the number being unique among persons); a
survivor with a number keeps it, and the merged person keeps its own. The merged person is kept, not deleted,
with `merged_into` pointing at the survivor; it is hidden from search and lists (`access.persons_for_user`).

**What moves.** Every row of any app whose foreign key (or one-to-one) points at the merged person, found through
Django's model meta (`Person._meta`, hidden relations included), so that an app added later is covered: source
records, memberships, job-seeker profiles (and with them their cases), applications, campaign entries, openings,
and the pointers of persons merged into the merged person before. Only the merge history itself
(`PersonMerge`) stays. Each moved row is recorded by table, field and id, so that the unmerge puts it back.

**Conflicts.** A row cannot move when the survivor already holds its unique slot: both persons have a one-to-one
row (a household membership, a job-seeker profile) or rows that a unique constraint allows only once per person
(both in one outreach campaign). Such a merge is refused, code `merge_conflict`, naming the table and the field;
nothing is written. (Merging two job-seeker profiles or two households' memberships is a decision about cases and
benefits that the agency's staff make, then the persons can be merged.) The automatic merges of a linkage run
leave such persons apart and count them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext as _

from sakme.audit.models import AuditEvent
from sakme.common.components import Components
from sakme.common.errors import DomainError
from sakme.registry.models import Person, PersonMerge, SourceSystem

NUMBER_FORMS = ("personal_number_digest", "personal_number_sealed", "personal_number_tail")
NUMBER = "personal_number"  # the key of a moved number in PersonMerge.filled: [None, its digest]
_NOT_FILLED = {"id", "version", "created_at", "updated_at", "anonymised_on", "merged_into_id", *NUMBER_FORMS}
LAST_RANK = 1 << 30
CHUNK = 500


@dataclass(frozen=True)
class Relation:
    """A foreign key (or one-to-one) to Person: the rows that move with a merge. `unique` lists, per unique rule
    over the key, the other fields (none for a one-to-one) and the rule's condition."""

    model: type[models.Model]
    field: str  # the field's name ("person")
    column: str  # its attribute ("person_id")
    name: str  # "app_label.model.field", as recorded in PersonMerge.moved
    unique: tuple[tuple[tuple[str, ...], Q | None], ...]

    def rows(self) -> models.QuerySet[Any]:
        return self.model._base_manager.all()


@functools.cache
def relations() -> tuple[Relation, ...]:
    """Every foreign key to Person in every app, except the merge history's own."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many or rel.related_model is PersonMerge:
            continue
        model: Any = rel.related_model
        fk: Any = rel.field
        unique: list[tuple[tuple[str, ...], Q | None]] = [((), None)] if fk.unique else []
        for together in model._meta.unique_together:
            if fk.name in together:
                unique.append((tuple(model._meta.get_field(f).attname for f in together if f != fk.name), None))
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if isinstance(constraint, models.UniqueConstraint) and fk.name in fields:
                unique.append((tuple(model._meta.get_field(f).attname for f in fields if f != fk.name),
                               constraint.condition))
        found.append(Relation(model, fk.name, fk.attname, f"{model._meta.label_lower}.{fk.name}", tuple(unique)))
    return tuple(sorted(found, key=lambda r: r.name))


def relation_named(name: str) -> Relation:
    for relation in relations():
        if relation.name == name:
            return relation
    app_model, _dot, field_name = name.rpartition(".")
    model = apps.get_model(app_model)
    fk: Any = model._meta.get_field(field_name)
    return Relation(model, fk.name, fk.attname, name, ())


def fillable_fields() -> list[str]:
    """The person's fields a merged person may fill on the survivor (attribute names)."""
    return [f.attname for f in Person._meta.concrete_fields if f.attname not in _NOT_FILLED]


def _blank(value: object) -> bool:
    return value is None or value == ""


def as_json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def from_json(attname: str, value: object) -> object:
    field_ = next(f for f in Person._meta.concrete_fields if f.attname == attname)
    return None if value is None else field_.to_python(value)


@dataclass
class Merge:
    """One planned merge of the plan; `refused` holds the code and what blocks it when it cannot be done."""

    survivor: int
    merged: int
    pair_id: int | None = None
    refused: str = ""
    blocked_by: str = ""


@dataclass
class Plan:
    merges: list[Merge] = field(default_factory=list)

    @property
    def accepted(self) -> list[Merge]:
        return [m for m in self.merges if not m.refused]

    @property
    def refused(self) -> list[Merge]:
        return [m for m in self.merges if m.refused]


def survivor_order(persons: Iterable[dict[str, Any]], ranks: dict[int, int]) -> list[int]:
    """Person ids, the survivor first: primary source's rank (`ranks`: source id -> rank), then the older id."""
    return [p["id"] for p in sorted(persons, key=lambda p: (ranks.get(p["primary_source_id"], LAST_RANK), p["id"]))]


def _components(edges: Sequence[tuple[int, int, int | None]]) -> list[tuple[set[int], dict[int, int | None]]]:
    components = Components()
    for a, b, _pair in edges:
        components.union(a, b)
    groups: dict[int, set[int]] = defaultdict(set)
    pairs: dict[int, dict[int, int | None]] = defaultdict(dict)
    for a, b, pair in edges:
        root = components.find(a)
        groups[root] |= {a, b}
        pairs[root].setdefault(a, pair)
        pairs[root].setdefault(b, pair)
    return [(groups[root], pairs[root]) for root in groups]


def _slots(person_ids: set[int]) -> dict[int, set[tuple[str, int, tuple[Any, ...]]]]:
    """Each person's unique slots: (relation, rule, the other fields' values) of the rows that point at them."""
    held: dict[int, set[tuple[str, int, tuple[Any, ...]]]] = defaultdict(set)
    ids = sorted(person_ids)
    for relation in relations():
        for index, (others, condition) in enumerate(relation.unique):
            for start in range(0, len(ids), CHUNK):
                rows = relation.rows().filter(**{f"{relation.column}__in": ids[start:start + CHUNK]})
                if condition is not None:
                    rows = rows.filter(condition)
                for row in rows.values_list(relation.column, *others):
                    if all(v is not None for v in row[1:]):  # NULLs never collide in a unique rule
                        held[row[0]].add((relation.name, index, tuple(row[1:])))
    return held


def plan(edges: Sequence[tuple[int, int, int | None]]) -> Plan:
    """The merges that make one person of each group of persons joined by the edges (person a, person b, pair id):
    each group's survivor by the rule, every other person merged into it unless a unique slot blocks it."""
    edges = [(a, b, p) for a, b, p in edges if a != b]
    found = Plan()
    if not edges:
        return found
    everyone = {x for a, b, _p in edges for x in (a, b)}
    persons: dict[int, dict[str, Any]] = {
        p["id"]: dict(p) for p in Person.objects.filter(pk__in=everyone).values("id", "primary_source_id")}
    held = _slots(set(persons))
    ranks = dict(SourceSystem.objects.values_list("pk", "rank"))
    for group, pair_of in _components(edges):
        order = survivor_order((persons[i] for i in group if i in persons), ranks)
        if len(order) < 2:
            continue
        survivor, occupied = order[0], set(held.get(order[0], ()))
        for merged in order[1:]:
            clash = occupied & held.get(merged, set())
            if clash:
                name = sorted(clash)[0][0]
                found.merges.append(Merge(survivor, merged, pair_of.get(merged), "merge_conflict", name))
                continue
            occupied |= held.get(merged, set())
            found.merges.append(Merge(survivor, merged, pair_of.get(merged)))
    return found


def conflict_error(merge: Merge) -> DomainError:
    relation = relation_named(merge.blocked_by)
    return DomainError(
        _("Persons %(a)s and %(b)s cannot be merged: both have a %(what)s (%(where)s), which a person has only once. "
          "Settle which one stays, then merge.")
        % {"a": merge.survivor, "b": merge.merged, "what": relation.model._meta.verbose_name,
           "where": f"{relation.model._meta.db_table}.{relation.column}"}, code="merge_conflict")


def _update_each(model: type[models.Model], columns: Sequence[str], where: str, rows: list[tuple[Any, ...]],
                 also: str = "") -> None:
    """One UPDATE per row, sent together (executemany: pipelined on PostgreSQL): `columns` set to the row's first
    values, the row matched by `where` (a column) on its last value."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join([*(f"{quote(c)} = %s" for c in columns), *([also] if also else [])])
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(where)} = %s", rows)


def _db(attname: str, value: object) -> object:
    """A person's value as the database takes it in raw SQL (dates and times adapted for SQLite)."""
    field_ = next(f for f in Person._meta.concrete_fields if f.attname == attname)
    return field_.get_db_prep_value(value, connection, prepared=False)


def _move_rows(survivor_of: dict[int, int]) -> dict[int, dict[str, list[int]]]:
    """Point every row of the merged persons at their survivors; the ids moved, per merged person and relation."""
    moved: dict[int, dict[str, list[int]]] = defaultdict(dict)
    merged_ids = sorted(survivor_of)
    for relation in relations():
        found: list[tuple[int, int]] = []
        for start in range(0, len(merged_ids), CHUNK):
            rows = relation.rows().filter(**{f"{relation.column}__in": merged_ids[start:start + CHUNK]})
            found += rows.values_list("pk", relation.column)
        for pk, person_id in found:
            moved[person_id].setdefault(relation.name, []).append(pk)
        holders = sorted({person_id for _pk, person_id in found})
        _update_each(relation.model, [relation.column], relation.column, [(survivor_of[m], m) for m in holders])
    return moved


def execute(merges: Sequence[Merge], *, decided_by: Any, run_id: int | None, now: dt.datetime,
            action: str = "person.merge") -> list[PersonMerge]:
    """Carry out planned merges (none refused) in the caller's transaction: rows moved, survivors' blanks filled,
    merged persons pointed at their survivors, one PersonMerge and one audit event each."""
    if not merges:
        return []
    survivor_of = {m.merged: m.survivor for m in merges}
    fill = fillable_fields()
    columns = ["id", *fill, *NUMBER_FORMS]
    people = {p["id"]: p for p in Person.objects.filter(
        pk__in={*survivor_of, *survivor_of.values()}).values(*columns)}
    moved = _move_rows(survivor_of)
    filled: dict[int, dict[str, list[object]]] = {}
    for merge in merges:  # in plan order: an earlier merged person fills first
        survivor, merged = people[merge.survivor], people[merge.merged]
        changes: dict[str, list[object]] = {}
        for name in fill:
            if _blank(survivor[name]) and not _blank(merged[name]):
                changes[name] = [as_json(survivor[name]), as_json(merged[name])]
                survivor[name] = merged[name]
        if survivor["personal_number_digest"] is None and merged["personal_number_digest"] is not None:
            changes[NUMBER] = [None, merged["personal_number_digest"]]
            for form in NUMBER_FORMS:
                survivor[form], merged[form] = merged[form], None
        filled[merge.merged] = changes
    # The merged persons first: a number leaves one before it reaches the other (it is unique among persons).
    bump = "version = version + 1"
    _update_each(Person, ["merged_into_id", *NUMBER_FORMS, "updated_at"], "id",
                 [(s, *(people[m][f] for f in NUMBER_FORMS), _db("updated_at", now), m)
                  for m, s in survivor_of.items()], also=bump)
    names_of: dict[int, set[str]] = defaultdict(set)  # each survivor's fields its merges filled
    for merge in merges:
        names_of[merge.survivor] |= set(filled[merge.merged])
    by_fields: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for survivor_id, names in names_of.items():
        by_fields[tuple(sorted(names))].append(survivor_id)
    for group, survivor_ids in by_fields.items():
        changed = [c for n in group for c in (NUMBER_FORMS if n == NUMBER else (n,))]
        _update_each(Person, [*changed, "updated_at"], "id",
                     [(*(_db(c, people[s][c]) for c in changed), _db("updated_at", now), s) for s in survivor_ids],
                     also=bump)
    user = decided_by if getattr(decided_by, "pk", None) else None
    made = PersonMerge.objects.bulk_create(
        [PersonMerge(survivor_id=m.survivor, merged_id=m.merged, moved=moved.get(m.merged, {}),
                     filled=filled[m.merged], pair_id=m.pair_id, run_id=run_id, decided_by=user, decided_at=now)
         for m in merges], batch_size=CHUNK)
    if made and made[0].pk is None:  # databases that do not return ids from a bulk insert
        made = list(PersonMerge.objects.filter(merged_id__in=list(survivor_of), unmerged_at__isnull=True))
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=user, action=action, entity_type="registry.personmerge", entity_id=str(pm.pk),
                    changes={"survivor": pm.survivor_id, "merged": pm.merged_id, "pair": pm.pair_id,
                             "run": run_id, "moved": {k: len(v) for k, v in pm.moved.items()},
                             "filled": sorted(pm.filled)})
         for pm in made], batch_size=CHUNK)
    return made


@dataclass
class Undone:
    returned: dict[str, int]  # rows put back per relation
    stayed: dict[str, int]  # rows recorded as moved that no longer point at the survivor (deleted or moved since)
    kept: list[str]  # fields the merge filled that were changed since: the survivor keeps today's value


def undo(merge: PersonMerge) -> Undone:
    """Put back what the merge moved and filled (the caller checked it may be undone and locked both persons)."""
    survivor, merged = merge.survivor, merge.merged
    returned: dict[str, int] = {}
    stayed: dict[str, int] = {}
    for name, ids in sorted(merge.moved.items()):
        relation = relation_named(name)
        count = 0
        for start in range(0, len(ids), CHUNK):
            count += relation.rows().filter(pk__in=ids[start:start + CHUNK], **{relation.column: survivor.pk}).update(
                **{relation.column: merged.pk})
        returned[name] = count
        if count != len(ids):
            stayed[name] = len(ids) - count
    kept = []
    survivor_fields: list[str] = []
    for name, (before, after) in sorted(merge.filled.items()):
        if name == NUMBER:
            continue
        if as_json(getattr(survivor, name)) == after:
            setattr(survivor, name, from_json(name, before))
            survivor_fields.append(name)
        else:
            kept.append(name)
    merged_fields = ["merged_into_id", "version", "updated_at"]
    number = merge.filled.get(NUMBER)
    if number is not None and survivor.personal_number_digest == number[1]:
        forms = {f: getattr(survivor, f) for f in NUMBER_FORMS}
        for form in NUMBER_FORMS:
            setattr(survivor, form, None)
            setattr(merged, form, forms[form])
        survivor.save(update_fields=list(NUMBER_FORMS))  # the number leaves the survivor before it comes back
        merged_fields += list(NUMBER_FORMS)
    elif number is not None:
        kept.append(NUMBER)
    survivor.version += 1
    survivor.save(update_fields=[*survivor_fields, "version", "updated_at"])
    merged.merged_into = None
    merged.version += 1
    merged.save(update_fields=merged_fields)
    return Undone(returned, stayed, kept)
