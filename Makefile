# The two commands in the README: `make demo` (set up + build the map) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
LINT := src tests $(wildcard benchmarks)

.PHONY: demo test lint format bench-quality clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/alliancemap demo $(ARGS)

test: $(VENV)/.installed
	$(BIN)/ruff check $(LINT)
	$(BIN)/ruff format --check $(LINT)
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check $(LINT)

format: $(VENV)/.installed
	$(BIN)/ruff format $(LINT)
	$(BIN)/ruff check --fix $(LINT)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
