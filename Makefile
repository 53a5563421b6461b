# Ledgerdesk: `make run` and `make test` set everything up from a fresh clone; python3 is all
# they need. Every recipe line fails the target on a non-zero exit (no pipes hide one).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
# Two workers: the machines here have two cores. Override, e.g. `make test PYTEST_ARGS=-x`.
PYTEST_ARGS ?= -n 2 --dist loadscope -q -rs
# The root conftest.py loads core/pytest_plugin.py (a skipped `services` test fails under
# REQUIRE_SERVICES=1), so a bare `pytest` follows the same policy.
PYTEST := $(BIN)/pytest

# `make test-ci` (and .ci/run) run against these services.
CI_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
CI_REDIS_URL ?= redis://127.0.0.1:6379/9

.DEFAULT_GOAL := help
.PHONY: help venv install messages run migrate seed test test-ci lint-imports check schema bench bench-crm clean

help:
	@echo "make run       set up (venv, install, migrate, demo data) and serve on http://$(HOST)/"
	@echo "make test      install dev tools, check import contracts, run the whole suite"
	@echo "make test-ci   make test against PostgreSQL and Redis with REQUIRE_SERVICES=1"
	@echo "make check     manage.py check and makemigrations --check"
	@echo "make schema    write and validate the OpenAPI schema (schema.yml)"
	@echo "make bench     authentication overhead benchmark (bench/auth_overhead.py)"
	@echo "make bench-crm customer lists at 50,000 customers on PostgreSQL (bench/crm_lists.py)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstalls when a requirements file changes; the stamp lives inside the venv.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

venv install: $(VENV)/.installed

# The .po files are committed, the .mo files built (Babel: no gettext needed).
messages: install
	$(MANAGE) compile_translations

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo --base-url http://$(HOST)

run: seed messages
	$(MANAGE) collectstatic --noinput -v 0
	@echo "Starting the development server on http://$(HOST)/ (Ctrl-C stops it)"
	$(MANAGE) runserver $(HOST)

lint-imports: install
	$(BIN)/lint-imports --no-cache

test: lint-imports messages
	$(PYTEST) $(PYTEST_ARGS)

test-ci:
	DATABASE_URL=$(CI_DATABASE_URL) REDIS_URL=$(CI_REDIS_URL) REQUIRE_SERVICES=1 $(MAKE) test

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

schema: install
	$(MANAGE) spectacular --validate --fail-on-warn --file schema.yml
	@echo "Wrote schema.yml"

bench: install
	$(PY) bench/auth_overhead.py

# Issue 3's targets are for PostgreSQL: the CI database unless DATABASE_URL says otherwise.
bench-crm: install
	DATABASE_URL=$${DATABASE_URL:-$(CI_DATABASE_URL)} $(PY) bench/crm_lists.py

clean:
	rm -rf $(VENV) staticfiles schema.yml
