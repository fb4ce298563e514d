# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8765

.PHONY: demo test install lint typecheck messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Starts the bundled sandbox (the offline stand-in for the web), audits a demo shop against it, stops it.
demo: $(STAMP)
	@$(BIN)/python -m auditor.demo --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/ruff check .
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Re-extract the report and poster strings and merge them into reports/locale/*/LC_MESSAGES/messages.po.
messages: $(STAMP)
	$(BIN)/python -m reports.catalogs

clean:
	rm -rf $(VENV) build dist *.egg-info
