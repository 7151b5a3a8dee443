# greenroom: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEMO_DATA := var/demo

.PHONY: help demo test test-fast lint format bench services clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install greenroom with its development tools

demo: $(STAMP) ## Load the demo organisation and serve the portal on 127.0.0.1:7007
	@mkdir -p $(DEMO_DATA)
	GREENROOM_DATA_DIR=$(DEMO_DATA) GREENROOM_CONFIG_FILE=examples/greenroom.demo.yaml \
		$(BIN)/greenroom serve

services: ## Start PostgreSQL and RabbitMQ when they are installed here but stopped
	@scripts/ensure-services

test: $(STAMP) services ## Run every test on SQLite and PostgreSQL
	GREENROOM_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

test-fast: $(STAMP) ## Unit tests only
	$(BIN)/pytest -q tests/unit

lint: $(STAMP) ## ruff and mypy --strict
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's formatting and fixes
	$(BIN)/ruff format src tests benchmarks examples
	$(BIN)/ruff check --fix src tests benchmarks examples

bench: $(STAMP) services ## Run the benchmarks and print their figures
	$(BIN)/python benchmarks/catalog.py

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var build *.egg-info
