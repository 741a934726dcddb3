# quartauth: `make run` serves the app on SQLite at http://127.0.0.1:5000; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run migrate test create-admin bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) ## make the virtualenv .venv and install quartauth into it (editable, with the test tools)

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

migrate: install ## apply pending database migrations
	$(BIN)/quartauth migrate

run: migrate ## serve the app at http://127.0.0.1:5000 (SQLite unless DATABASE_URL says otherwise)
	$(BIN)/quartauth serve

create-admin: migrate ## create an administrator (asks for email and password)
	$(BIN)/quartauth create-admin

test: install ## run every test, on SQLite and Postgres
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install ## measure speed against the targets (about twenty minutes); writes bench/results/latest.md
	$(BIN)/python -m bench

clean: ## remove the virtualenv and build leftovers
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
