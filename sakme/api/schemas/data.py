"""Shapes of the data steward's API: import batches and their problems, linkage runs, and the clerical review of
candidate pairs. A decision on a pair carries `seen_decision`, the decision the client read (409
`concurrent_edit` when someone decided the pair since)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ImportIn(Schema):
    """The form fields of an upload (multipart, beside `file`): the source system's code, and the column mapping as
    `columns` (`column=field` pairs, comma- or line-separated) or `mapping` (a shipped mapping by name, e.g.
    `ssa`); neither means headers named like sakme's fields."""

    source: str
    mapping: str = ""
    columns: str = ""
    all_or_nothing: bool = True
    header_row: int | None = Field(None, ge=1, description="the row of the column names, when more than a title or "
                                                           "blank rows stand above them (else found from the mapping)")


class ImportProgressOut(Schema):
    phase: str
    done: int
    total: int
    percent: int


class ImportOut(Schema):
    id: int
    source: str
    file_name: str
    status: str
    all_or_nothing: bool
    rows_total: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    error_count: int
    warning_count: int
    message: str
    created_by_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ImportDetail(ImportOut):
    running: bool
    progress: ImportProgressOut | None = Field(None, description="While the batch waits or runs: how far it got.")


class ImportProblemOut(Schema):
    id: int
    row: int
    column: str
    value: str
    severity: str
    message: str = Field(description="What is wrong, in the reader's language.")
    expected: str = Field(description="What would be right, in the reader's language.")
    code: str = Field(description="The problem's stable code (blank for problems stored before codes).")
    params: dict[str, Any] = Field(description="The code's parameters (e.g. `n`, a count; `repaired`, the value "
                                   "repaired).")


class RunIn(Schema):
    """`run` links two or more `sources`, `dedupe` finds duplicates within one, `batch` links the records of one
    imported batch (`batch_id`) against everyone known."""

    kind: str
    sources: list[str] = []
    batch_id: int | None = None
    retrain: bool = False


class RunOut(Schema):
    id: int
    kind: str
    status: str
    sources: list[str]
    engine: str
    retrain: bool
    batch_id: int | None
    model: str | None
    phase: str
    progress: int
    progress_at: dt.datetime | None
    started_by_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class RunDetail(RunOut):
    message: str
    counts: dict[str, Any]
    timings: dict[str, Any]
    figures: dict[str, Any]


class RecordSummary(Schema):
    source: str
    key: str
    person_id: int
    personal_number_masked: str | None
    given_name: str
    family_name: str
    birth_date: dt.date | None


class RecordOut(RecordSummary):
    sex: str
    municipality: str | None
    address: str
    phone: str


class PairOut(Schema):
    id: int
    status: str
    decision: str
    probability: float
    match_weight: float
    value: float
    decided_by_id: int | None
    decided_at: dt.datetime | None


class QueuePairOut(PairOut):
    record_a: RecordSummary
    record_b: RecordSummary


class EvidenceOut(Schema):
    comparison: str
    label: str
    value_a: str
    value_b: str
    hint_a: str = Field(description="The romanized form compared, when it differs from the value.")
    hint_b: str
    level: str
    weight: float | None
    agrees: bool | None


class PairDetail(PairOut):
    model: str
    upper_threshold: float
    prior_weight: float
    record_a: RecordOut
    record_b: RecordOut
    evidence: list[EvidenceOut]


class DecisionIn(Schema):
    decision: str = Field(description="`match` (same person), `non_match` (different persons) or `unsure`.")
    seen_decision: str = Field(description="The pair's decision as the client read it (`\"\"` when undecided).")


class LinkedRecordOut(Schema):
    source: str
    key: str
    person_id: int
    given_name: str
    family_name: str
    birth_date: dt.date | None
    probability: float


class PersonLinksOut(Schema):
    linked: list[LinkedRecordOut]
    linked_outside_your_units: int
