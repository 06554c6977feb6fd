# The NumPy memory workshop. Set-up is two commands: `make lab` and `make test` (README.md).
# Everything installs into .venv/ at the repository root; nothing is registered elsewhere.

PYTHON ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
EXE := .exe
else
BIN := $(VENV)/bin
EXE :=
endif
PY := $(BIN)/python$(EXE)
# Reinstall only when the pinned dependencies (pyproject.toml) change.
STAMP := $(VENV)/.installed

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
FIRST_NOTEBOOK := $(notdir $(firstword $(NOTEBOOKS)))
# Extra arguments for JupyterLab, e.g. ARGS="--no-browser --port 8899".
ARGS ?=
# pytest-xdist workers for `make test`: the machine this was measured on has 2 cores.
WORKERS ?= 2
# One notebook for `make test` or `make refresh`, e.g. NB=notebooks/00_setup_check.ipynb.
NB ?=

ifneq ($(NB),)
ifeq ($(wildcard $(NB)),)
$(error NB=$(NB) does not exist; the notebooks are: $(NOTEBOOKS))
endif
endif

.DEFAULT_GOAL := help
.PHONY: help lab test lint refresh bench clean

help:
	@echo "make lab      set up .venv if needed, then open the notebooks in JupyterLab"
	@echo "              (ARGS=\"--no-browser --port 8899\" passes options to JupyterLab)"
	@echo "make test     set up .venv if needed, lint, run the unit tests and every notebook"
	@echo "              (NB=notebooks/NN_name.ipynb runs one notebook; WORKERS=0 runs serially)"
	@echo "make lint     ruff over helpers/, tests/, tools/, benchmarks/ and the notebooks"
	@echo "make refresh  re-execute the notebooks and store their outputs (NB=... for one)"
	@echo "make bench    time memlayout's drawings on huge inputs (a report, not a test)"
	@echo "make clean    remove .venv and the caches"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "make: $(PYTHON) is older than Python 3.11; run e.g. make $(MAKECMDGOALS) PYTHON=python3.11" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --editable '.[workshop]'
	@touch $@

lab: $(STAMP)
	cd notebooks && JUPYTER_PREFER_ENV_PATH=1 ../$(BIN)/jupyter lab $(FIRST_NOTEBOOK) $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check

# Two pytest workers; --dist loadscope keeps each notebook's cells, in order, on one worker and
# one kernel. WORKERS=0 runs everything in one process.
test: lint
	$(PY) -m pytest -q -n $(WORKERS) --dist loadscope $(NB)

refresh: $(STAMP)
	$(PY) tools/refresh_notebooks.py $(or $(NB),$(NOTEBOOKS))

bench: $(STAMP)
	$(PY) benchmarks/bench_drawing.py

clean:
	rm -rf $(VENV) .hypothesis .ruff_cache
