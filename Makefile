# sakme: two commands on a fresh machine.
#   make demo   sets up and serves the demo on http://127.0.0.1:8000 (SQLite under var/)
#   make test   sets up and runs the whole suite on SQLite, then on PostgreSQL when DATABASE_URL is one
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := var/uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PERSONS ?= 20000
SEED ?= 2026
# The optional groups installed into the environment (CI adds the Spark engine's: EXTRAS="--extra dev --extra spark").
EXTRAS ?= --extra dev
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: venv demo demo-data serve worker test test-sqlite test-postgres check browser-deps clean

$(UV):
	$(PYTHON) -m venv var/uv
	var/uv/bin/pip install --quiet uv==$(UV_VERSION)

$(BIN)/sakme: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen $(EXTRAS) --quiet
	@touch $(BIN)/sakme

venv: $(BIN)/sakme

# Sets up the demo database (once; `make demo PERSONS=1000000` for a larger one after `make clean`), then serves.
# The demo serves as production does (gunicorn with deploy/gunicorn.conf.py, whitenoise, the worker; DEBUG off),
# over plain http on 127.0.0.1.
demo: venv
	SAKME_DEMO=1 SAKME_DEBUG=1 $(BIN)/sakme demo load --persons $(PERSONS) --seed $(SEED)
	env -u SAKME_DEBUG SAKME_DEMO=1 $(BIN)/sakme demo serve --port $(PORT)

# Production (docs/deploy.md): the web processes and the task worker, each under its own service manager unit.
serve: venv
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py

worker: venv
	$(BIN)/sakme db_worker

# Chromium from Debian for the browser tests (Playwright drives it; nothing is downloaded by Playwright).
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests"; fi; }

check: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	SAKME_DEBUG=1 $(BIN)/sakme makemigrations --check --dry-run
	SAKME_DEBUG=1 $(BIN)/mypy sakme
	@# Django's deployment checks on production settings (DEBUG and DEMO off, a throw-away key): any warning fails.
	env -u SAKME_DEBUG -u SAKME_DEMO SAKME_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  $(BIN)/sakme check --deploy --fail-level WARNING

test-sqlite: venv browser-deps
	env -u DATABASE_URL $(BIN)/pytest -q -n 2 --dist loadgroup

test-postgres: venv browser-deps
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
	  $(BIN)/pytest -q -n 2 --dist loadgroup; \
	else echo "DATABASE_URL does not point to PostgreSQL: the PostgreSQL run is skipped"; fi

test: check test-sqlite test-postgres

clean:
	rm -rf var/sakme.sqlite3* var/imports var/demo
