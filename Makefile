# Two commands do all the set-up on a fresh machine:
#   make demo   - the application with demo data on http://127.0.0.1:8000
#   make test   - ruff and the whole test suite on PostgreSQL and Redis
# Everything goes into .venv (Python >= 3.12, picked by scripts/find-python;
# override with PYTHON=...), installed from uv.lock, and node_modules (front-end packages,
# served by Django). After changing a dependency in pyproject.toml: make lock.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The installer, pinned: bootstrapped into .venv with pip once, then kept there by the lock
# (dependency group `dev` in pyproject.toml; the Dockerfile pins the same version).
UV_VERSION := 0.13.9
UV := $(BIN)/uv
# uv installs into .venv with the venv's own Python (found by scripts/find-python) and never
# downloads an interpreter. --locked: a uv.lock that does not match pyproject.toml fails.
UV_SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV) sync --locked --python $(PY) --quiet
LOCK_HINT := Install from uv.lock failed. If it is out of date after a change of pyproject.toml: make lock

# Test and CI defaults: the local PostgreSQL (trust auth) and Redis. Override freely.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samen
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test e2e lint format install install-test lock browser frontend messages worker beat bench clean help

help:
	@echo "make demo     run the application with demo data on http://127.0.0.1:8000"
	@echo "make test     ruff + the whole pytest suite on PostgreSQL and Redis (browser tests included)"
	@echo "make e2e      only the browser tests (Debian's Chromium), screenshots in artifacts/"
	@echo "make format   ruff format + autofix"
	@echo "make messages extract and compile translations (nl, en)"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make beat     Celery beat, the scheduler (needs REDIS_URL)"
	@echo "make bench    SCALE=small|city|national: every page, job and report on generated data, and a load run"
	@echo "make lock     regenerate uv.lock after a change of the dependencies in pyproject.toml"

$(PY):
	@python_bin=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python_bin"; \
	"$$python_bin" -m venv $(VENV)

# The only pip install: uv itself, pinned (pip is gone after the first sync).
$(UV): | $(PY)
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --default-pip >/dev/null
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"

# Install exactly what uv.lock says (and remove what it does not) when the lock or
# pyproject.toml changes. The test extra stays once `make test` has installed it, so that
# `make demo` after `make test` does not take the test tools away again.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV_SYNC) $(if $(wildcard $(VENV)/.installed-test),--extra test) || { echo "$(LOCK_HINT)" >&2; exit 1; }
	touch $@

$(VENV)/.installed-test: uv.lock pyproject.toml $(VENV)/.installed
	$(UV_SYNC) --extra test || { echo "$(LOCK_HINT)" >&2; exit 1; }
	touch $@

# Resolve pyproject.toml's dependencies again into uv.lock (from PyPI, for every Python
# >= 3.12 and platform, with hashes), keeping the locked versions where they still fit.
# Newer versions: uv lock --upgrade, or one package: uv lock --upgrade-package NAME.
lock: | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) lock --python $(PY)

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the front-end packages: apt-get install nodejs npm"; exit 1; }
	npm ci --no-fund --no-audit --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-test: $(VENV)/.installed-test node_modules/.installed browser

# Debian's Chromium for the browser tests (apt; Playwright never downloads a browser).
browser:
	scripts/setup-browser

frontend: node_modules/.installed

# The demo (scripts/demo): migrate, seed_demo, runserver. On DATABASE_URL's PostgreSQL, or
# without it an embedded PostgreSQL in var/pgdata, started and stopped (Ctrl-C) with it;
# Celery in eager mode unless REDIS_URL is set.
demo: install
	$(PY) scripts/demo

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SAMEN_ENV=test DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest $(PYTEST_ARGS)

# Only the browser tests (they are part of `make test` too); screenshots go to artifacts/.
e2e: install-test
	SAMEN_ENV=test DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest -m e2e $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The settings need a DATABASE_URL; extracting and compiling messages never connects.
messages: install
	SAMEN_ENV=development DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) manage.py makemessages --locale nl --locale en --ignore '.venv/*' --ignore 'node_modules/*'
	SAMEN_ENV=development DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

# Benchmarks print figures; they are never timed assertions in tests. See docs/benchmarks.md.
# make bench SCALE=small|city|national: generated data (made once per scale and seed) in the
# PostgreSQL database samen_$(SCALE)_bench, then every page, job, the import, the council
# PDF and a load run against gunicorn with the production settings. Any error or 5xx fails.
SCALE ?= small
BENCH_DATABASE ?= samen_$(SCALE)_bench
BENCH_SERVER_URL ?= postgres://postgres@127.0.0.1:5432
BENCH_ENV = SAMEN_ENV=test DATABASE_URL=$(BENCH_SERVER_URL)/$(BENCH_DATABASE) REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)}
bench: install-test
	psql "$(BENCH_SERVER_URL)/postgres" -tc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DATABASE)'" | grep -q 1 \
		|| psql "$(BENCH_SERVER_URL)/postgres" -c "CREATE DATABASE $(BENCH_DATABASE)"
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v0
	$(BENCH_ENV) $(PY) manage.py generate_scale_data --scale $(SCALE) --seed 1 --if-missing
	$(BENCH_ENV) $(PY) manage.py refresh_report_summaries
	$(BENCH_ENV) $(PY) manage.py bench --scale $(SCALE)

worker: install
	$(BIN)/celery -A samen worker --loglevel=info

beat: install
	$(BIN)/celery -A samen beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules staticfiles var
