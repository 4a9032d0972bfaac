# The two set-up commands from the README: `make serve` and `make test`.
# Django 6.1 needs Python 3.12 or newer; the first one found is used (override with PYTHON=...).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.1[234]*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: serve test install install-dev

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is required (Django 6.1)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

serve: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed
	DEBUG=1 $(BIN)/python manage.py calibrate
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev
	$(BIN)/python -m pytest
