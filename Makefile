# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run sandbox socket test test-postgres test-browser chromium lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install  ## migrate, then serve Slack on PORT (default 3000); without Slack credentials, the sandbox
	$(BIN)/coach migrate
	$(BIN)/coach run

sandbox: install  ## the local sandbox workspace on PORT, even when Slack credentials are set
	$(BIN)/coach sandbox

socket: install  ## migrate, then run over Socket Mode (development without a public URL)
	$(BIN)/coach migrate
	$(BIN)/coach socket

test: install  ## the whole test suite; on PostgreSQL too when TEST_DATABASE_URL is set
	$(BIN)/pytest

test-postgres: install  ## the suite on the local PostgreSQL server
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres $(BIN)/pytest

CHROMIUM ?= /usr/bin/chromium

chromium:  ## Debian's Chromium for the browser tests: installed with apt when missing (as root)
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "$(CHROMIUM) is missing: installing Debian's chromium"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || exit 1; \
	fi; \
	if [ ! -x "$(CHROMIUM)" ]; then \
		echo "The browser tests need Chromium at $(CHROMIUM), and it is not there." >&2; \
		echo "Install Debian's package as root: apt-get update && apt-get install -y chromium" >&2; \
		echo "(or run make test-browser CHROMIUM=/path/to/chromium)." >&2; \
		exit 1; \
	fi

test-browser: install chromium  ## the sandbox driven in Chromium; failures keep screenshots in test-results/
	COACH_CHROMIUM=$(CHROMIUM) $(BIN)/pytest tests/browser --screenshot=only-on-failure \
		--tracing=retain-on-failure --output=test-results

lint: install  ## ruff, the type checker (mypy) and the layer rules (import-linter contracts in pyproject.toml)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

bench: install  ## measure the figures recorded in docs/benchmarks.md
	$(BIN)/python bench/parse_dates.py
	$(BIN)/python bench/review_objectives.py
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/nudge_sweep.py
	$(BIN)/python bench/summary.py
	$(BIN)/python bench/slow_slack.py
	$(BIN)/python bench/calendar_check.py
	$(BIN)/python bench/export.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-results
