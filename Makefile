# Comity developer commands. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
COMITY := $(VENV)/bin/comity
STAMP  := $(VENV)/.installed

.PHONY: install run test check lint typecheck openapi bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(COMITY) db upgrade
	$(COMITY) reference load
	$(COMITY) demo load
	$(COMITY) pleadings load-demo
	$(COMITY) demo accounts
	@echo "A worker (alerts, webhooks, mail) runs beside the server; Ctrl-C stops both."
	$(COMITY) worker & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(COMITY) serve --host 127.0.0.1 --port 8000

test: install
	$(PY) -m pytest --cov --cov-report=term:skip-covered

lint: install
	$(VENV)/bin/ruff check app tests bench migrations
	$(VENV)/bin/ruff format --check app tests bench migrations

typecheck: install
	$(VENV)/bin/mypy app tests bench

# The test suite includes the `alembic check` and OpenAPI drift gates.
check: lint typecheck test

openapi: install
	$(PY) -m app.core.openapi > openapi/openapi.json

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .comity .pytest_cache .mypy_cache .ruff_cache .coverage
