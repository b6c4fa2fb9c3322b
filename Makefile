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
# Every install from this Makefile and .ci/run takes its versions from here; `make lock` refreshes it
LOCK := constraints.txt

.PHONY: demo test lint format lock bare-install-check web bench-quality bench-ingest bench-web clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml $(LOCK)
	$(BIN)/pip install --quiet -c $(LOCK) -e ".[dev,parse,llm]"
	touch $@

# Re-resolve the ranges in pyproject.toml in a fresh venv and pin the result in $(LOCK)
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet --upgrade pip && \
	"$$tmp/venv/bin/pip" install --quiet ".[dev,parse,llm]" && \
	{ echo "# Pinned versions of every dependency of alliancemap[dev,parse,llm], for reproducible installs:"; \
	  echo "# make demo, make test and .ci/run install with -c $(LOCK). Refresh with: make lock"; \
	  echo "# (a fresh venv resolves the ranges in pyproject.toml against the index; commit the result)."; \
	  "$$tmp/venv/bin/pip" freeze --exclude alliancemap; } > $(LOCK).new && \
	mv $(LOCK).new $(LOCK) && echo "wrote $(LOCK)"

# pip install . without extras into a fresh venv, then ingest HTML and update from a local feed
bare-install-check:
	$(PYTHON) .ci/bare_install_check.py

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
