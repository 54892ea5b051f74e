# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
LERS := $(VENV)/bin/lers
PYTEST_ARGS ?=

.PHONY: demo test install lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Fresh clone -> running demo: install, migrate, seed, then serve and run the worker.
demo: install
	$(LERS) migrate --noinput
	$(LERS) demo
	@echo
	@echo "  lers is running on http://127.0.0.1:8000  (Ctrl-C stops the server and the worker)"
	@echo "  second-factor code of a demo account: $(LERS) demo --code USERNAME"
	@echo
	@$(LERS) worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(LERS) runserver 127.0.0.1:8000

## The whole test suite (SQLite by default; PostgreSQL when DATABASE_URL points at it).
test: install
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
