# Everything a fresh clone needs: `make run` starts the kiosk, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run dev test lint typecheck contracts pytest i18n-check bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kiosk

dev: $(STAMP)
	$(BIN)/kiosk --dev

lint: $(STAMP)
	$(BIN)/ruff check kiosk tests
	$(BIN)/ruff format --check kiosk tests

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# On every core (pytest-xdist): the tests are independent (own tmp dirs, ports, tmux servers), and a
# worker that is free steals queued tests from a busy one, so the 3-minute random storm runs beside the rest.
pytest: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal --durations=15

test: lint typecheck contracts pytest

# Figures with goals beside them, never asserted; writes bench-results.json (about 10 minutes).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
