# auxpost — the two commands a newcomer needs (README):
#   make run    set up, load the demo district and serve on 127.0.0.1:$(PORT)
#   make test   set up and run the whole suite (lint, migrations check, unit, integration, browser;
#               SQLite and PostgreSQL)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test install install-dev serve demo lint bench messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
	$(BIN)/auxpost i18n compile

install-dev: $(VENV)/.dev install

run: install
	AUXPOST_DEMO=1 $(BIN)/auxpost migrate --noinput
	AUXPOST_DEMO=1 $(BIN)/auxpost demo
	$(BIN)/auxpost collectstatic --noinput -v 0
	AUXPOST_DEMO=1 $(BIN)/gunicorn auxpost.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads 4 \
	  --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install-dev
	bash scripts/test.sh

lint: install-dev
	$(BIN)/ruff check .

bench: install-dev
	bash bench/run.sh

messages: install-dev
	$(BIN)/auxpost i18n extract

clean:
	rm -rf $(VENV) var
