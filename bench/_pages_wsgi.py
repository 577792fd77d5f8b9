"""The WSGI application `bench/pages.py` serves: sakme's own (`sakme.wsgi`), with the number of SQL queries
each request ran in a response header, `X-Bench-Queries`, so that the benchmark reports them per page.

Every query of a request (sessions, authentication, the view, the session save) runs before Django calls
`start_response`, so the count is complete when the header is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from sakme.wsgi import application as sakme_application


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    count = 0

    def counted(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, ("X-Bench-Queries", str(count))], exc_info)

    with connection.execute_wrapper(counted):
        return sakme_application(environ, start)
