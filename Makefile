# Dateline: `make run` serves the API on SQLite with example data; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Extras that `make install` (and so `make run`) adds to what serving needs, comma
# separated: charts draws GET /events/stats.png. `make install EXTRAS=` adds none.
EXTRAS ?= charts
UV_VERSION := 0.13.9
export FLASK_APP := wsgi

# Every install takes the versions pinned in constraints.txt (`make lock`).
PIP_INSTALL := $(BIN)/pip install --quiet --constraint constraints.txt
comma := ,
RUNTIME := $(VENV)/.installed-runtime$(if $(EXTRAS),-$(subst $(comma),-,$(EXTRAS)))
DEV := $(VENV)/.installed-dev
# Pins for CPython 3.11 on Linux x86_64 (CI's), whatever machine runs it.
LOCK := $(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command 'make lock' \
	--quiet --output-file constraints.txt

.PHONY: run test lint format openapi install install-dev lock lock-upgrade migrate \
	examples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# What serving needs, and EXTRAS.
$(RUNTIME): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.$(if $(EXTRAS),[$(EXTRAS)])'
	touch $@

# The runtime with charts, and the tools of test, lint and format.
$(DEV): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	touch $@

$(BIN)/uv: | $(BIN)/python
	$(BIN)/pip install --quiet 'uv==$(UV_VERSION)'

install: $(RUNTIME)

install-dev: $(DEV)

migrate: install
	$(BIN)/flask db upgrade

examples: migrate
	$(BIN)/flask load-examples

run: examples
	HOST=$(HOST) PORT=$(PORT) WEB_CONCURRENCY=$(WORKERS) $(BIN)/python -m api.serve

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install
	$(BIN)/flask openapi write --format=yaml openapi.yaml

# After a change to pyproject.toml's dependencies: pins what is new, keeps the rest.
lock: | $(BIN)/uv
	$(LOCK)

# Every pin to the newest release that fits pyproject.toml.
lock-upgrade: | $(BIN)/uv
	$(LOCK) --upgrade

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
