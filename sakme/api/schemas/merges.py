"""Shapes of merging persons: a merge asked for, and a merge as recorded (what moved, what it filled, who decided,
whether it was undone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class MergeIn(Schema):
    """The two persons found to be one; which survives is the rule's (the primary source ranked first, then the
    older id), whatever their order here."""

    survivor_id: int
    merged_id: int
    pair_id: int | None = Field(None, description="The linkage pair that found them, if one did.")


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    moved: dict[str, int] = Field(description="Rows moved to the survivor, per `app.model.field`.")
    filled: dict[str, list[Any]] = Field(description="The survivor's fields the merge filled: [before, after].")
    pair_id: int | None
    run_id: int | None
    decided_by_id: int | None
    decided_at: dt.datetime
    unmerged_by_id: int | None
    unmerged_at: dt.datetime | None
