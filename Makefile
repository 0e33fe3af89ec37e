# Two commands do all the set-up on a fresh machine:
#   make demo   - the application with demo data on http://127.0.0.1:8000
#   make test   - ruff and the whole test suite on PostgreSQL and Redis
# Everything goes into .venv (Python >= 3.12, picked by scripts/find-python;
# override with PYTHON=...) and node_modules (front-end packages, served by Django).

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# Test and CI defaults: the local PostgreSQL (trust auth) and Redis. Override freely.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samen
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test e2e lint format install install-test browser frontend messages worker beat bench clean help

help:
	@echo "make demo     run the application with demo data on http://127.0.0.1:8000"
	@echo "make test     ruff + the whole pytest suite on PostgreSQL and Redis (browser tests included)"
	@echo "make e2e      only the browser tests (Debian's Chromium), screenshots in artifacts/"
	@echo "make format   ruff format + autofix"
	@echo "make messages extract and compile translations (nl, en)"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make beat     Celery beat, the scheduler (needs REDIS_URL)"
	@echo "make bench    timings of the intake pages on 200,000 requests (PostgreSQL samen_bench)"

$(PY):
	@python_bin=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python_bin"; \
	"$$python_bin" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

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
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samen_bench
BENCH_REQUESTS ?= 200000
bench: install
	psql "$(BENCH_DATABASE_URL:/samen_bench=/postgres)" -tc "SELECT 1 FROM pg_database WHERE datname = 'samen_bench'" | grep -q 1 \
		|| psql "$(BENCH_DATABASE_URL:/samen_bench=/postgres)" -c "CREATE DATABASE samen_bench"
	SAMEN_ENV=test DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py migrate --no-input -v0
	SAMEN_ENV=test DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py bench_intake --requests $(BENCH_REQUESTS)

worker: install
	$(BIN)/celery -A samen worker --loglevel=info

beat: install
	$(BIN)/celery -A samen beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules staticfiles var
