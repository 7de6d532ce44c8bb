# Tandem — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TANDEM := $(BIN)/tandem
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
XMLSEC1 ?= /usr/bin/xmlsec1
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PYTEST_WORKERS ?= 2

.PHONY: install demo serve test test-fast query-counts browser xmlsec bench fuzz lint typecheck check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Tandem needs Python 3.11 or newer"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make demo: set up, migrate SQLite, seed a demo organisation, serve on http://127.0.0.1:8000
demo: install xmlsec
	DEBUG=1 $(TANDEM) demo

## Debian's Chromium for the browser tests (Playwright cannot download its own browser here)
browser:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

## Debian's xmlsec1: pysaml2 checks SAML signatures with it (single sign-on and its tests)
xmlsec:
	@test -x $(XMLSEC1) || { echo "Installing Debian's xmlsec1 for SAML signatures"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q xmlsec1; }

## make test: set up and run every test (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL)
test: install browser xmlsec
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

## make test-fast: everything but the browser journeys and the tests marked slow (a few minutes)
test-fast: install xmlsec
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not browser and not slow" $(PYTEST_ARGS)

## make query-counts: record tests/query_counts.json after a deliberate change (SQLite, then
## PostgreSQL when it runs on 127.0.0.1:5432); review the diff and commit it
query-counts: install
	UPDATE_QUERY_COUNTS=1 $(BIN)/pytest -p no:cacheprovider -n 0 tests/test_query_counts.py
	if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
	  UPDATE_QUERY_COUNTS=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_qc \
	    $(BIN)/pytest -p no:cacheprovider -n 0 --create-db tests/test_query_counts.py; fi

## make bench [CASE=peer_pairs N=100000]: print one JSON line per benchmark case
bench: install
	$(BIN)/python benchmarks/run.py $(if $(CASE),--case $(CASE)) $(if $(N),--n $(N))

## make fuzz [FUZZ_EXAMPLES=100]: schemathesis (every phase) for admin, coordinator and participant
## and the form fuzzer, far longer than in the suite; prints cases and failures by kind per role
fuzz: install
	mkdir -p var && rm -f var/fuzz-report.jsonl
	FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),100) FUZZ_REPORT=$(CURDIR)/var/fuzz-report.jsonl \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider tests/fuzz $(PYTEST_ARGS); \
	  status=$$?; $(BIN)/python tools/fuzz_report.py var/fuzz-report.jsonl; exit $$status

## make lint: ruff, formatting, and the layer map (import-linter contracts in pyproject.toml)
lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/lint-imports --no-cache

## make typecheck: mypy on everything; the pure packages (engine, privacy) also under --strict
typecheck: install
	$(BIN)/mypy src
	$(BIN)/mypy --strict src/tandem/matching src/tandem/privacy

check: lint typecheck test

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
