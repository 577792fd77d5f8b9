"""Shapes of one's own API tokens: never the secret, but once, in the answer that made it."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="What uses the token (a script, a report).")
    days: int | None = Field(None, ge=1, description="How long it lives (90 days when left out, at most 365; a role "
                                                      "that must use a second factor gets at most 24 hours).")


class TokenOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    live: bool = Field(description="Neither expired nor revoked.")


class TokenCreated(TokenOut):
    secret: str = Field(description="Send it as `Authorization: Bearer <secret>`. Shown this once: only its hash is "
                                    "kept.")
