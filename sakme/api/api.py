"""The sakme API, version 1: one router per domain over the same services and getters as the pages."""

from __future__ import annotations

from ninja import NinjaAPI

from sakme.api.auth import AUTH
from sakme.api.routers import casework, employment, geo, linkage, registry

api = NinjaAPI(
    title="sakme API",
    version="1",
    description="Registry, territorial units, casework, job-seeker profiles and training programmes of the "
    "social service agency. "
    "Authenticate with a session or with `Authorization: Bearer <token>`.",
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("/", registry.router)
api.add_router("/", geo.router)
api.add_router("/", casework.router)
api.add_router("/", employment.router)
api.add_router("/", linkage.router)
