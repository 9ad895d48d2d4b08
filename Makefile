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

AS_OF ?= 2026-11-23

# The demo keeps its own ledger under $(OUT), so it can be run again from scratch (it starts by
# removing $(OUT)) without touching the real ledger in ~/.local/state/letters.
demo: setup
	rm -rf $(OUT)
	$(BIN)/letters validate samples/accounts_mixed.json
	for lang in ja zh en; do \
	  LETTERS_STATE_DIR=$(OUT)/state $(BIN)/letters render samples/accounts_$$lang.csv -o $(OUT)/$$lang \
	    --as-of $(AS_OF) --silent || exit 1; \
	done
	LETTERS_STATE_DIR=$(OUT)/state $(BIN)/letters ledger verify

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: setup
	$(BIN)/mypy

# The ledger tests also run against PostgreSQL: .ci/postgres starts the local cluster (root needed)
# and prints a URL; without one those tests are skipped locally (and fail under CI=true).
test: lint typecheck
	LETTERS_TEST_PG_URL="$$(bash .ci/postgres 2>/dev/null || true)" $(BIN)/pytest

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
