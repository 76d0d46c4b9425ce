# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run socket test test-postgres lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install  ## migrate the database, then serve Slack's Request URL on PORT (default 3000)
	$(BIN)/coach migrate
	$(BIN)/coach serve

socket: install  ## migrate, then run over Socket Mode (development without a public URL)
	$(BIN)/coach migrate
	$(BIN)/coach socket

test: install  ## the whole test suite; on PostgreSQL too when TEST_DATABASE_URL is set
	$(BIN)/pytest

test-postgres: install  ## the suite on the local PostgreSQL server
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres $(BIN)/pytest

lint: install
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations

format: install
	$(BIN)/ruff format app tests bench migrations
	$(BIN)/ruff check --fix app tests bench migrations

bench: install  ## measure the figures recorded in docs/benchmarks.md
	$(BIN)/python bench/parse_dates.py
	$(BIN)/python bench/review_objectives.py
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/nudge_sweep.py
	$(BIN)/python bench/summary.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
