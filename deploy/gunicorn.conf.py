"""gunicorn's configuration for sakme: `gunicorn --config deploy/gunicorn.conf.py` (docs/deploy.md).

Every value comes from the environment, with the default in brackets:
SAKME_BIND                  address to listen on [127.0.0.1:8000]; the TLS proxy in front connects to it
SAKME_WEB_WORKERS           worker processes [2 × cores + 1, at most 12]
SAKME_WEB_THREADS           threads per worker [1]
SAKME_WEB_TIMEOUT           seconds a request may take before its worker is restarted [120: an upload of the
                            largest file, SAKME_MAX_UPLOAD_MB, is read and stored within the request]
SAKME_FORWARDED_ALLOW_IPS   addresses whose X-Forwarded-Proto is believed [127.0.0.1,::1: the proxy on this host]
SAKME_ACCESS_LOG            where the access log goes ["-", standard output; "" for none]
SAKME_WEB_LOG_LEVEL         gunicorn's own messages (starts, worker restarts, timeouts) [info]
SAKME_WEB_CONTROL_SOCKET    a path for gunicorn's control socket (`gunicornc`) [none]
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

wsgi_app = "sakme.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)  # the checkout: `sakme` is importable from here
proc_name = "sakme"

bind = [address for address in os.environ.get("SAKME_BIND", "127.0.0.1:8000").split(",") if address]
workers = int(os.environ.get("SAKME_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
threads = int(os.environ.get("SAKME_WEB_THREADS", "1"))
timeout = int(os.environ.get("SAKME_WEB_TIMEOUT", "120"))
graceful_timeout = 30  # a restart lets requests in flight finish
keepalive = 5
# A worker is replaced after this many requests (spread so that they do not all restart at once): memory a
# worker gathers over days (caches, fragmentation) is given back. The app is loaded once in the master and the
# workers forked from it, so that a replacement starts warm (a cold start on a busy machine held requests for
# seconds) and the workers share the loaded code's memory.
max_requests = 20000
max_requests_jitter = 2000
preload_app = True

# The proxy (docs/deploy.md) sets X-Forwarded-Proto; gunicorn believes it only from these addresses.
forwarded_allow_ips = os.environ.get("SAKME_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The access log names the path without its query string: a search's query holds what was typed (names,
# personal numbers), and the referrer is left out for the same reason. The client is the proxy's X-Forwarded-For.
accesslog = os.environ.get("SAKME_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("SAKME_WEB_LOG_LEVEL", "info").lower()

# Heartbeat files of the workers in memory, not on a disk that may stall (containers mount /tmp on overlay).
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket (for `gunicornc`) defaults to one path per user, which a second gunicorn of the same
# user (the demo beside a test, two deployments) would take over; systemd manages sakme's. Give a path to have one.
control_socket = os.environ.get("SAKME_WEB_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def when_ready(server: object) -> None:
    """Import every view and the API's routers in the master, before the workers are forked from it: no request
    waits for them (the database is not touched: each worker opens its own connections)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (resolving the URL conf is the point)


def post_worker_init(worker: object) -> None:
    """The same in a worker, in case the app was not preloaded (a resolved URL conf makes this free)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (resolving the URL conf is the point)
