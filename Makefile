# The commands README.md gives, in one place. `make install` then `make test`.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install lint typecheck test test-broker bench schemas demo

install:
	python3 -m venv $(VENV)
	$(BIN)/pip install -e ".[dev]" -c constraints.txt

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

test:
	$(BIN)/pytest

# Apache Kafka's jars for the test broker (tests/kafka/pom.xml), fetched once into .cache/kafka/
test-broker:
	$(BIN)/python -m tests.support.kafkadist

bench:
	$(BIN)/python benchmarks/bench_classify.py
	$(BIN)/python benchmarks/bench_poller.py
	$(BIN)/python benchmarks/bench_notifier.py
	$(BIN)/python benchmarks/bench_events.py
	$(BIN)/python benchmarks/bench_events_pipeline.py

schemas:
	$(BIN)/python -m schemas.generate

demo:
	$(BIN)/redflag demo
