# Quick start: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test fixtures lint format install bench loadtest faults

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata playbook
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "interviewprep is running: open http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/gunicorn interviewprep.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

test: install
	scripts/test.sh

# Each main page and htmx fragment against a bare authenticated page, at 1, 100 and
# 1,000 stories, on a throwaway SQLite database; tables go to bench/results/.
bench: install
	$(BIN)/python -m bench

# 20 users reading and autosaving at once against gunicorn (4 workers) on loopback,
# on SQLite and then a throwaway PostgreSQL, beside a bare baseline page; fails on any
# error or lost write. LOADTEST_SECONDS (default 30, at most 60) per database.
loadtest: install
	$(BIN)/python -m bench.loadtest

# The load test's 20 writers through faults: a gunicorn worker SIGKILLed every few
# seconds, PostgreSQL (production durability) restarted fast and immediate, the disk
# full for 2 s (a tmpfs, when mount is allowed); fails on any lost acknowledged write
# or a recovery over 5 s. FAULTS_SECONDS (default 30, at most 90) per database.
faults: install
	$(BIN)/python -m bench.faults

fixtures: install
	$(BIN)/python manage.py build_fixtures

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
