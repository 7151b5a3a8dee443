# greenroom: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEMO_DATA := var/demo
# htmx comes from the npm registry (pinned in assets/package-lock.json) and ships
# inside the Python package; it is never committed.
VENDOR := src/greenroom/web/static/vendor/htmx.min.js

.PHONY: help install assets system-packages demo test test-fast e2e lint format bench services clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(VENDOR) ## Create .venv and install greenroom with its development tools

$(VENDOR): assets/package.json assets/package-lock.json
	npm ci --prefix assets --ignore-scripts --no-audit --no-fund --silent
	mkdir -p $(@D)
	cp assets/node_modules/htmx.org/dist/htmx.min.js $@

assets: $(VENDOR) ## Install the browser assets (htmx) from the npm registry into the package

system-packages: ## Install the Debian packages greenroom uses (graphviz; chromium for tests)
	@scripts/ensure-system-packages $(if $(BROWSER),--with-browser)

demo: $(STAMP) $(VENDOR) system-packages ## Load the demo organisation and serve the portal on 127.0.0.1:7007
	@mkdir -p $(DEMO_DATA)
	GREENROOM_DATA_DIR=$(DEMO_DATA) GREENROOM_CONFIG_FILE=examples/greenroom.demo.yaml \
		$(BIN)/greenroom serve

services: ## Start PostgreSQL and RabbitMQ when they are installed here but stopped
	@scripts/ensure-services

test: BROWSER := 1
test: $(STAMP) $(VENDOR) services system-packages ## Run every test on SQLite and PostgreSQL, and the UI in chromium
	GREENROOM_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

test-fast: $(STAMP) ## Unit tests only
	$(BIN)/pytest -q tests/unit

e2e: BROWSER := 1
e2e: $(STAMP) $(VENDOR) system-packages ## The browser tests alone
	$(BIN)/pytest -q tests/e2e

lint: $(STAMP) ## ruff and mypy --strict
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's formatting and fixes
	$(BIN)/ruff format src tests benchmarks examples
	$(BIN)/ruff check --fix src tests benchmarks examples

bench: $(STAMP) $(VENDOR) services system-packages ## Run the benchmarks and print their figures
	$(BIN)/python benchmarks/catalog.py
	$(BIN)/python benchmarks/web.py

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var build *.egg-info assets/node_modules $(dir $(VENDOR))
