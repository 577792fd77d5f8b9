"""The production server as deployed: gunicorn with the repository's configuration (deploy/gunicorn.conf.py), DEBUG
off, static files collected and served by whitenoise under hashed names, against the test database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"

pytestmark = pytest.mark.django_db


def database_url() -> str:
    """The test database (not the configured one) as a URL for the server."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{quote(db['HOST'] or 'localhost', safe='')}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def server(tmp_path):
    """gunicorn serving the demo's settings (DEBUG off, plain http) on a free port; its log once stopped."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAKME_", "PYTEST", "DJANGO_"))}
    env.update({"SAKME_DEMO": "1", "SAKME_VAR_DIR": str(tmp_path), "DATABASE_URL": database_url(),
                "SAKME_KEYRING": str(settings.SAKME_KEYRING), "SAKME_BIND": f"127.0.0.1:{port}",
                "SAKME_WEB_WORKERS": "1", "PYTHONPATH": str(BASE_DIR)})
    subprocess.run([sys.executable, "-m", "sakme.cli", "collectstatic", "--noinput", "--verbosity", "0"],
                   env=env, cwd=tmp_path, check=True, timeout=120)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(CONFIG)], env=env,
                                   cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(f"{base}/health")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=40)


def test_gunicorn_serves_pages_and_hashed_static_files_with_the_repository_config(server):
    base, log = server
    status, _headers, body = fetch(f"{base}/health")
    assert status == 200 and b'"status": "ok"' in body
    status, headers, page = fetch(f"{base}/accounts/login/?next=/registry/search/%3Fq%3D01001012345")
    assert status == 200 and "Permissions-Policy" in headers
    css = re.search(r'href="(/static/css/sakme\.[0-9a-f]{12}\.css)"', page.decode())
    assert css, "the page names its stylesheet by its hash (collectstatic's manifest)"
    status, headers, body = fetch(f"{base}{css.group(1)}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
    assert fetch(f"{base}/static/no-such-file.css")[0] == 404
    time.sleep(0.3)  # the access log is written after the response
    written = log.read_text()
    assert '"GET /accounts/login/ HTTP/1.1" 200' in written
    assert "01001012345" not in written, "the access log must not hold query strings"
