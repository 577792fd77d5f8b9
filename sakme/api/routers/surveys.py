"""The surveys API: the same services and getters as its pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["surveys"])
