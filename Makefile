# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
# The demo database is built relative to this instant, so the demo profile is too.
DEMO_AS_OF := 2026-11-01T00:00:00Z

.PHONY: demo test lint format bench clean golden docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: build the dirty demo shop database, profile it, generate fixtures, show what came out
demo: $(STAMP)
	$(BIN)/python examples/build_shop_db.py examples/shop.db
	$(BIN)/synth profile sqlite:///examples/shop.db --as-of $(DEMO_AS_OF) --out build/demo/shop.yaml
	$(BIN)/synth show build/demo/shop.yaml
	$(BIN)/synth traits build/demo/shop.yaml
	$(BIN)/synth generate build/demo/shop.yaml --rows 2000 --seed 7 --out build/demo/fixtures
	$(BIN)/python examples/show_fixtures.py build/demo/fixtures
	$(BIN)/synth validate build/demo/shop.yaml build/demo/fixtures --html build/demo/report.html

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
	$(BIN)/python benchmarks/traits.py
	$(BIN)/python benchmarks/cache_hit.py

## docs: regenerate the trait catalog from the trait classes
docs: $(STAMP)
	$(BIN)/python -m synth.review.catalog > docs/traits.md

clean:
	rm -rf build .pytest_cache .ruff_cache
