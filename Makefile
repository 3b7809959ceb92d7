# One-word targets. `make run` and `make test` set everything up on a fresh machine.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export OMP_WAIT_POLICY ?= passive
export HF_HUB_OFFLINE ?= 1

EXAMPLE := examples/verksamhetsplan_2027_vardcentralen_linneasand.pdf

.PHONY: system-deps setup run extract eval test test-fast lint typecheck bench schema clean

# torch is installed first and pinned: torch==2.13.0 is the CPU build on this machine's
# disk; any other request for torch pulls a CUDA build of several GB.
$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# LibreOffice converts the Word layouts of the layout sweep to PDF (tests skip those
# layouts, saying why, where it is missing). Chromium and its driver run the web app's
# end-to-end tests (tests/test_serve_browser.py). Installed only where missing and
# apt-get can run (CI runs as root); elsewhere a note says how to get them.
system-deps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui poppler-utils"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "note: missing system packages:$$missing (apt-get install$$missing); the tests that need them will be skipped"; \
	  fi; \
	fi

setup: system-deps $(VENV)/.installed

# The main job: score the bundled example draft (the first run builds the reference
# index and trains the classifier, about two minutes), and write its HTML report.
run: setup
	$(BIN)/fhs-nlp align $(EXAMPLE)
	$(BIN)/fhs-nlp align $(EXAMPLE) --format html --out out/align

extract: setup
	$(BIN)/fhs-nlp extract corpus/ --out out/extract

eval: setup
	$(BIN)/fhs-nlp eval --suite all --out out/eval

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check fhs_nlp tests bench

typecheck: setup
	$(BIN)/mypy fhs_nlp

bench: setup
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_align.py
	$(BIN)/python bench/bench_batch.py --n 10

schema: setup
	$(BIN)/fhs-nlp schema --out schemas

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
