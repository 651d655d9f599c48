# One entry point per job. `make run` starts the demo, `make test` runs the test suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PACKAGES := actors parser gateway runtime simulator

.PHONY: install run test lint format bench up down clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,demo]'
	touch $@

run: install
	$(BIN)/vimbiso demo

test: install
	$(BIN)/pytest --cov --cov-report=term:skip-covered -q

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy --strict $(PACKAGES)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/vimbiso bench

up:
	docker compose up --build

down:
	docker compose down

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
