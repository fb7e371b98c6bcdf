# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test check lint typecheck layers pytest pytest-sqlite pytest-postgres postgres browser bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## make run: migrate an embedded SQLite database under ./var, load the demo data when empty, serve on 127.0.0.1:8080
run: $(STAMP)
	mkdir -p var
	$(BIN)/samenloop db upgrade
	$(BIN)/samenloop demo --als-leeg
	$(BIN)/samenloop serve --host 127.0.0.1 --port 8080

## make test: every check, on SQLite and on PostgreSQL
test: check pytest

check: lint typecheck layers

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

pytest: pytest-sqlite pytest-postgres

pytest-sqlite: $(STAMP) browser
	SAMENLOOP_TEST_DATABASE=sqlite $(BIN)/pytest -q -n 2 --dist loadgroup

pytest-postgres: $(STAMP) postgres
	SAMENLOOP_TEST_DATABASE=$(PG_URL) $(BIN)/pytest -q -n 2 --dist loadgroup

# The browser tests (tests/browser, SQLite session only): Debian's Chromium and axe-core from npm
# (pinned in tests/browser/package-lock.json). Playwright comes with the dev extras and never
# downloads a browser. When Chromium cannot be installed (no root, no apt), make goes on and the
# browser tests are reported as skipped, with the reason, by pytest -ra.
AXE := tests/browser/node_modules/axe-core/axe.min.js

browser: $(AXE)
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } \
	  || echo "WARNING: Debian's chromium could not be installed: the browser tests will be skipped" >&2

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts
	touch $@

# Start the machine's PostgreSQL if it is not running (never stopped by anything here).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL on 127.0.0.1:5432 is not reachable" >&2; exit 1

## make bench: long measurements (never in CI)
bench: $(STAMP) postgres
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var build dist *.egg-info tests/browser/node_modules
