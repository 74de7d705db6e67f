# Two commands on a fresh machine:  `make brief`  (a brief of the bundled sample)  and  `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
# llama-cpp-python is built from source: a native build picks up AMX on some CPUs and crashes.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: setup brief test lint bench eval clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

brief: setup
	$(VENV)/bin/summariser brief examples/sample-report.txt --format markdown --published 2026-03-10

lint: setup
	$(VENV)/bin/ruff check summariser tests benchmarks scripts
	$(VENV)/bin/mypy

test: setup
	scripts/install-browser
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest

eval: setup
	$(VENV)/bin/summariser eval evals/cases --model extractive

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
