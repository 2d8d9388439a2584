# The two commands: `make run` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto

.PHONY: setup run test lint catalogs messages clean-venv browser-deps pdf-deps

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the pins change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

# Front-end packages, exactly as package-lock.json pins them (scripts off: see .npmrc).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile --domain django --directory locale --statistics

setup: $(VENV)/.installed node_modules/.installed catalogs pdf-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py h5p_share_libraries
	$(PY) manage.py load_demo

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) scripts/check_layers.py
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/catalogs.py check
	$(PY) scripts/check_curriculum.py > /dev/null || $(PY) scripts/check_curriculum.py

# For developers: re-extract the message catalogs after changing strings, then translate them.
messages: $(VENV)/.installed
	$(PY) scripts/catalogs.py update

# Debian packages that no wheel provides: pdftotext (poppler-utils), which the certificate tests
# read PDFs with, and HarfBuzz's font subsetter, which WeasyPrint embeds fonts with (without it
# WeasyPrint falls back to fontTools, slower, with a warning per PDF). Installed when missing
# and run as root (CI); otherwise a hint is printed and set-up goes on.
pdf-deps:
	@if ! command -v pdftotext >/dev/null || ! ldconfig -p | grep -q libharfbuzz-subset; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libharfbuzz-subset0 >/dev/null; \
		else \
			echo "Missing Debian packages: run 'apt-get install poppler-utils libharfbuzz-subset0' as root."; \
		fi; \
	fi

# Debian's Chromium for the browser tests (needs root; CI runs it).
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

clean-venv:
	rm -rf $(VENV)

# wrk, the HTTP load generator of bench/serving.py (needs root; otherwise prints the command).
.PHONY: bench-deps
bench-deps:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "Missing Debian package: run 'apt-get install wrk' as root."; \
		fi; \
	fi
