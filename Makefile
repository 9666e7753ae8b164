# Everything builds .venv from nothing but python3, so a fresh clone needs no set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv test demo lint typecheck format bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

demo: venv
	$(BIN)/vitalitybot simulate --months 24 --members 30 --seed 7 --chart out/vitality-chart.png

lint: venv
	$(BIN)/ruff check src tests benchmarks migrations setup.py
	$(BIN)/ruff format --check src tests benchmarks migrations setup.py

# mypy --strict over what [tool.mypy] files lists in pyproject.toml: the package and benchmarks/.
typecheck: venv
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format src tests benchmarks migrations setup.py
	$(BIN)/ruff check --fix src tests benchmarks migrations setup.py

bench: venv
	$(BIN)/python benchmarks/load_patterns.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
