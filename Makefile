# GWD — `make run` sets up and serves the project; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

# The first Python >= 3.12 found: python3.13, python3.12, pyenv's versions, python3.
define find_python
for candidate in python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) python3 python; do \
  if command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v $$candidate; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help run test test-e2e lint fmt messages compile-messages migrate seed static clean

help:
	@echo "make run       set up everything and serve GWD on http://$(HOST):$(PORT)"
	@echo "make test      run the whole test suite (browser tests: make test-e2e)"
	@echo "make lint      ruff, the import layers (lint-imports) and types (mypy)"
	@echo "make fmt       format the code"
	@echo "make messages  extract translatable strings into locale/*/django.po and djangojs.po"

$(VENV)/.installed: pyproject.toml
	@python=$$($(find_python)) || { \
	  echo "GWD needs Python 3.12 or newer (3.13 recommended) and none was found."; \
	  echo "Install it, for example: 'pyenv install 3.13' or 'apt install python3.13 python3.13-venv'."; \
	  exit 1; }; \
	echo "Using $$python ($$($$python --version))"; \
	test -x $(PY) || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

compile-messages: $(VENV)/.installed
	$(PY) manage.py compile_catalogues

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --no-input

static: $(VENV)/.installed
	$(PY) manage.py collectstatic --no-input --verbosity 0

seed: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py search_reindex
	$(PY) manage.py schedule_digests

run: export DEBUG ?= 1
# Links in e-mail and calendar files point where this server listens, unless told otherwise.
run: export SITE_URL ?= http://$(HOST):$(PORT)
# The task worker (meeting reminders, digests) runs beside daphne and stops with it.
run: $(VENV)/.installed compile-messages migrate static seed
	@echo "GWD is starting on http://$(HOST):$(PORT)"
	@trap 'kill 0' EXIT; \
	$(PY) manage.py db_worker --queue-name '*' --backend reminders --interval 5 & \
	$(PY) -m gwd.server -b $(HOST) -p $(PORT) gwd.asgi:application

# Tests run with DEBUG off, as in production; this key is for tests only.
test: export SECRET_KEY ?= tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
test: $(VENV)/.installed compile-messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Browser tests: a real daphne, Debian's Chromium, axe-core from npm (see tests/e2e).
test-e2e: export SECRET_KEY ?= tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
test-e2e: export GWD_E2E = 1
test-e2e: $(VENV)/.installed compile-messages
	$(VENV)/bin/pytest tests/e2e -p no:asyncio -p no:cacheprovider -W ignore::pytest.PytestConfigWarning $(PYTEST_ARGS)

# mypy's Django plugin reads the settings, which need a key.
lint: export SECRET_KEY ?= tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV)/.installed
	$(PY) manage.py makemessages --no-location --no-obsolete -l pl -l uk -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py makemessages -d djangojs --no-location --no-obsolete -l pl -l uk -l en \
	  --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=tests --ignore=static/vendor

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
