"""The sakme API, version 1: one router per domain over the same services and getters as the pages."""

from __future__ import annotations

from ninja import NinjaAPI

from sakme.api import errors
from sakme.api.auth import AUTH
from sakme.api.docs import SwaggerDocs, signed_in
from sakme.api.routers import (
    activities,
    assistance,
    cases,
    employers,
    employment,
    exports,
    geo,
    group_sessions,
    imports,
    indicators,
    linkage,
    matching,
    merges,
    outreach,
    registry,
    supported_employment,
    surveys,
    tokens,
)

api = NinjaAPI(
    title="sakme API",
    version="1",
    description="Registry, territorial units, casework, employers and vacancies, job-seeker profiles, training "
    "programmes, imports and record linkage of the social service agency, over the same use cases as its pages. "
    "Authenticate with a session or with `Authorization: Bearer <token>`. A refusal is a problem-details body whose "
    "`code` is stable; writes of a record that can be overwritten carry `expected_version` (409 when stale).",
    auth=AUTH,
    urls_namespace="api",
    docs=SwaggerDocs(),  # vendored Swagger UI under the CSP
    docs_decorator=signed_in,  # the page and the OpenAPI document for signed-in users and tokens only
)
errors.install(api)
api.add_router("/", registry.router)
api.add_router("/", merges.router)
api.add_router("/", geo.router)
api.add_router("/", cases.router)
api.add_router("/", supported_employment.router)
api.add_router("/", group_sessions.router)
api.add_router("/", employers.router)
api.add_router("/", employment.router)
api.add_router("/", matching.router)
api.add_router("/", imports.router)
api.add_router("/", linkage.router)
api.add_router("/", tokens.router)
api.add_router("/", exports.router)
api.add_router("/", indicators.router)
api.add_router("/", activities.router)
api.add_router("/", assistance.router)
api.add_router("/", outreach.router)
api.add_router("/", surveys.router)
