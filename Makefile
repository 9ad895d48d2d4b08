# Quick start: `make demo` renders the bundled samples; `make test` runs the checks and the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: setup demo test lint typecheck clean

$(BIN)/letters: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/letters
	bash .ci/install-system

demo: setup
	$(BIN)/letters validate samples/accounts_ja.csv
	$(BIN)/letters validate samples/accounts_zh.csv
	$(BIN)/letters validate samples/accounts_en.csv

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
