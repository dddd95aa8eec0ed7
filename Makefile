# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint format bench clean golden

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: build the dirty demo shop database, profile it, generate fixtures, show what came out
demo: $(STAMP)
	$(BIN)/python examples/build_shop_db.py examples/shop.db
	$(BIN)/synth profile sqlite:///examples/shop.db --out build/demo/shop.yaml
	$(BIN)/synth show build/demo/shop.yaml
	$(BIN)/synth generate build/demo/shop.yaml --rows 2000 --seed 7 --out build/demo/fixtures
	$(BIN)/python examples/show_fixtures.py build/demo/fixtures

## test: lint, then the whole suite (real PostgreSQL/MariaDB where they answer)
test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## golden: refresh the golden files (profile YAML, SQL) after a deliberate change
golden: $(STAMP)
	$(BIN)/python -m pytest tests --update-golden

bench: $(STAMP)
	$(BIN)/python benchmarks/generate.py

clean:
	rm -rf build .pytest_cache .ruff_cache
