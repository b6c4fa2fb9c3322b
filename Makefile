# The two commands in the README: `make demo` (set up + build the map) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
LINT := src tests $(wildcard benchmarks)
# The web map's front end, built by npm when it is here (else `serve` offers the API alone)
NPM := $(shell command -v npm 2>/dev/null)
WEB_BUNDLE := src/alliancemap/web/static/dist/app.js
WEB_SOURCES := web/package.json web/package-lock.json web/build.mjs $(wildcard web/src/*)
UI := $(if $(NPM),$(WEB_BUNDLE),)

.PHONY: demo test lint format web bench-quality bench-ingest bench-web clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,parse,llm]"
	touch $@

demo: $(VENV)/.installed $(UI)
	$(BIN)/alliancemap demo $(ARGS)

test: $(VENV)/.installed $(UI)
	$(BIN)/ruff check $(LINT)
	$(BIN)/ruff format --check $(LINT)
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check $(LINT)

format: $(VENV)/.installed
	$(BIN)/ruff format $(LINT)
	$(BIN)/ruff check --fix $(LINT)

# Extraction quality on ../shared/eval and extract speed on the corpus; ARGS="--corpus-docs 2000"
bench-quality: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_quality.py $(ARGS)

# Ingest speed: single process vs Dask (1, 2 workers), SQLite and PostgreSQL; ARGS="--limit 500"
bench-ingest: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_ingest.py $(ARGS)

# The web map's bundle: npm installs sigma, graphology and esbuild, esbuild bundles web/src
web:
	cd web && npm ci --no-audit --no-fund && npm run build

$(WEB_BUNDLE): $(WEB_SOURCES)
	cd web && npm ci --no-audit --no-fund && npm run build

# Web map speed: first drawn frame in headless Chromium, API latency; ARGS="--db corpus.db"
bench-web: $(VENV)/.installed $(UI)
	$(BIN)/python benchmarks/bench_web.py $(ARGS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
	rm -rf web/node_modules src/alliancemap/web/static/dist
