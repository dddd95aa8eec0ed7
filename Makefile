# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORE   := $(VENV)/.installed
STAMP  := $(VENV)/.installed-dev
# Test workers: one per core (pytest-xdist); `make test JOBS=1` runs serially.
JOBS   ?= auto
# The demo database is built relative to this instant, so the demo profile is too.
DEMO_AS_OF := 2026-11-01T00:00:00Z

.PHONY: demo test test-fast lint format bench clean golden docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs synth alone; the dev extras (Great Expectations, the database drivers,
# pandas, DuckDB, the test tools) are for `make test`, which installs them.
$(CORE): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(CORE)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(CORE)

## demo: build the dirty demo shop database, profile it, generate fixtures, show what came out
demo: $(CORE)
	$(BIN)/python examples/build_shop_db.py examples/shop.db
	$(BIN)/synth profile sqlite:///examples/shop.db --as-of $(DEMO_AS_OF) --out build/demo/shop.yaml
	$(BIN)/synth show build/demo/shop.yaml
	$(BIN)/synth traits build/demo/shop.yaml
	$(BIN)/synth generate build/demo/shop.yaml --rows 2000 --seed 7 --out build/demo/fixtures
	$(BIN)/python examples/show_fixtures.py build/demo/fixtures
	$(BIN)/synth validate build/demo/shop.yaml build/demo/fixtures --html build/demo/report.html

## test: lint, then the whole suite on every core (real PostgreSQL/MariaDB where they answer)
test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(JOBS)

## test-fast: the tests that need no database server (nor Chromium), on every core
test-fast: $(STAMP)
	SYNTH_TEST_SERVERS=none $(BIN)/python -m pytest -n $(JOBS) -m "not postgres and not mysql"

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
