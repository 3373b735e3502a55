# Quick start: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Where settings.py keeps the database and the collected static files.
DATA_DIR ?= data

# What running needs (`pip install .`), and what testing needs on top ('.[dev]').
# Each is installed again only when pyproject.toml changes.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# Written by collectstatic; collected again only when a static file, settings.py or
# the installed packages (whose own static files, such as the admin's, it copies)
# changed (a folder is in `find static` so that a file removed counts too).
# Compressing them all takes several seconds.
STATIC_STAMP := $(DATA_DIR)/static/staticfiles.json
STATIC_SOURCES := $(shell find static) interviewprep/settings.py $(RUN_STAMP)

.PHONY: run test fixtures lint format install install-dev bench loadtest faults

# The venv's own pip installs everything here; upgrading it first cost every fresh
# clone a download and a few seconds.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

# '.[dev]' holds everything '.' does, so it counts as the run install too.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

$(STATIC_STAMP): $(STATIC_SOURCES)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	touch $@

# migrate and loaddata are quick when there is nothing to do (the playbook's natural
# keys make loading it again a no-op), so they run every time: a stamp could go
# stale when ./data or DATABASE_URL changes under it.
run: $(RUN_STAMP) $(STATIC_STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata playbook general-software-engineering
	@echo "interviewprep is running: open http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/gunicorn interviewprep.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

test: $(DEV_STAMP)
	scripts/test.sh

# Each main page and htmx fragment against a bare authenticated page, at 1, 100 and
# 1,000 stories, on a throwaway SQLite database; tables go to bench/results/.
bench: $(RUN_STAMP)
	$(BIN)/python -m bench

# 20 users reading and autosaving at once against gunicorn (4 workers) on loopback,
# on SQLite and then a throwaway PostgreSQL, beside a bare baseline page; fails on any
# error, lost write or write lock held over 1 s. LOADTEST_SECONDS (default 30, at most 60) per database.
loadtest: $(RUN_STAMP)
	$(BIN)/python -m bench.loadtest

# The load test's 20 writers through faults: a gunicorn worker SIGKILLed every few
# seconds, PostgreSQL (production durability) restarted fast and immediate, the disk
# full for 2 s (a tmpfs, when mount is allowed); fails on any lost acknowledged write
# or a recovery over 5 s. FAULTS_SECONDS (default 30, at most 90) per database.
faults: $(RUN_STAMP)
	$(BIN)/python -m bench.faults

fixtures: $(RUN_STAMP)
	$(BIN)/python manage.py build_fixtures

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
