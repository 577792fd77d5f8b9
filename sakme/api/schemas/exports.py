from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ExportIn(Schema):
    kind: str = Field(max_length=32, description="caseload | emergency_accesses")


class ExportOut(Schema):
    id: int
    kind: str
    rows: int
    created_at: dt.datetime
    expires_at: dt.datetime
    available: bool
    sha256: str
