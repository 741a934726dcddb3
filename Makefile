# quartauth: `make run` serves the app on SQLite at http://127.0.0.1:5000; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APP    := "quartauth:create_app()"

.PHONY: install run migrate test create-admin bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

migrate: install
	$(BIN)/quartauth migrate

run: migrate
	$(BIN)/hypercorn --config hypercorn.toml $(APP)

create-admin: migrate
	$(BIN)/quartauth create-admin

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
