"""The twin walk's pieces: a page write and its API twin given the same refused input, and how each says what it
refused (the page: a message with its code, the form's or the error page's status and `X-Error-Code`; the API:
problem details)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client

Request = Callable[[Any], tuple[str, dict[str, Any]]]


@dataclass
class Twin:
    name: str
    role: str
    page: Request  # (URL, form data) of the page's POST
    api: Request  # (path under /api/v1, JSON body) of the API's POST (or PATCH/PUT/DELETE/multipart, in `method`)
    code: str
    method: str = "post"


def page_refusal(client: Client, url: str, data: dict[str, Any]) -> tuple[str, int]:
    """The code and status a page gives: from its header, or from the message on the page it returns to."""
    response = client.post(url, data)
    if "X-Error-Code" in response:
        return response["X-Error-Code"], response.status_code
    assert response.status_code == 302, (url, response.status_code, response.content[:500])
    shown = client.get(response["Location"]).content.decode()
    found = re.search(r'data-error-code="([a-z_]+)"', shown)
    assert found, f"{url}: no refusal said on {response['Location']}"
    return found.group(1), 0


def api_refusal(client: Client, method: str, path: str, body: dict[str, Any]) -> tuple[str, int]:
    if method == "multipart":
        response = client.post(f"/api/v1{path}", body)
    elif method == "delete":
        response = client.delete(f"/api/v1{path}")
    else:
        response = getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")
    problem = response.json()
    assert problem["status"] == response.status_code and problem["detail"], problem
    return problem["code"], response.status_code


def mismatches(twins: list[Twin], clients: dict[str, Client], world: Any) -> list[str]:
    """Every twin whose page and API do not refuse with its code (and, where the page has a status, the API's)."""
    found = []
    for twin in twins:
        page_code, page_status = page_refusal(clients[twin.role], *twin.page(world))
        api_code, api_status = api_refusal(clients[twin.role], twin.method, *twin.api(world))
        if not (page_code == api_code == twin.code and page_status in (0, api_status)):
            found.append(f"{twin.name}: page {page_code} {page_status}, api {api_code} {api_status}, "
                         f"expected {twin.code}")
    return found
