# kooperativet — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_OUT ?= demo-out

.PHONY: run test lint format demo bench migrations-check messages screenshots clean help

help:
	@echo "make run              - install into $(VENV), migrate the embedded database (a first admin on an empty one,"
	@echo "                        its password printed once) and serve on http://$(HOST):$(PORT)"
	@echo "make test             - install the dev extras and run the tests (SQLite; PostgreSQL with"
	@echo "                        KOOPERATIVET_TEST_DATABASE_URL)"
	@echo "make lint             - ruff, mypy and the import-linter contracts"
	@echo "make format           - ruff's fixes and formatting"
	@echo "make demo             - build the demo cooperative into $(DEMO_OUT)/"
	@echo "make bench            - run the benchmarks in bench/"
	@echo "make migrations-check - alembic check on a fresh embedded database"
	@echo "make screenshots      - the browser tests (Chromium), writing the README's pictures into docs/screenshots/"
	@echo "make messages         - extract the web interface's texts into its catalogs"
	@echo "make clean            - remove $(VENV), the caches and $(DEMO_OUT)/"
	@echo "make help             - this list"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes; the stamp files remember what was installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# On another address than the default, the links in e-mail and the sign-in line of db upgrade name that one,
# unless KOOPERATIVET_PUBLIC_URL says otherwise.
RUN_URL := $(if $(filter-out 127.0.0.1:8000,$(HOST):$(PORT)),KOOPERATIVET_PUBLIC_URL="$${KOOPERATIVET_PUBLIC_URL:-http://$(HOST):$(PORT)}")
run: $(VENV)/.installed
	$(RUN_URL) $(BIN)/kooperativet db upgrade
	$(RUN_URL) $(BIN)/kooperativet serve --host $(HOST) --port $(PORT)

# One test worker per core (pytest-xdist). Each test module runs whole, in order, on one worker, so its
# module fixtures (a built demo, a served database) are made once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/ruff format --check src tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests migrations bench
	$(BIN)/ruff format src tests migrations bench

demo: $(VENV)/.installed
	$(BIN)/kooperativet demo --out $(DEMO_OUT)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# alembic check against a fresh embedded database (CI also runs it on PostgreSQL).
migrations-check: $(VENV)/.installed
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	KOOPERATIVET_DATABASE_URL="sqlite:///$$tmp/check.sqlite3" $(BIN)/alembic upgrade head && \
	KOOPERATIVET_DATABASE_URL="sqlite:///$$tmp/check.sqlite3" $(BIN)/alembic check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DEMO_OUT)

# The README's screenshots, taken by the browser tests on the demo cooperative.
screenshots: $(VENV)/.installed-dev
	KOOPERATIVET_SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/browser -q

# The web interface's messages: extract the ids from code and templates, then merge them into each catalog.
# Translate the new entries in src/kooperativet/web/locale/*/LC_MESSAGES/messages.po (tests find any left out).
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F src/kooperativet/web/babel.cfg -k gettext:2 -k N_ --no-location --sort-output \
		-o src/kooperativet/web/locale/messages.pot src/kooperativet/web
	$(BIN)/pybabel update -i src/kooperativet/web/locale/messages.pot -d src/kooperativet/web/locale \
		--omit-header --ignore-obsolete
