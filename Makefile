# Minimal for now (storage engineer); the lead owns this file.
VENV := .venv
BIN := $(VENV)/bin
# Rewritten whenever pyproject.toml changes, so the reinstall happens only then.
STAMP := $(VENV)/.installed

.PHONY: venv test

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

test: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot storage adapters
	$(BIN)/pytest
