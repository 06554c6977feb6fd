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
# Reinstall only when the pinned dependencies (either pyproject.toml) change.
STAMP := $(VENV)/.installed
# JupyterLab reads the workshop's settings (no news prompt) from the environment's own folder.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
FIRST_NOTEBOOK := $(notdir $(firstword $(NOTEBOOKS)))
# The learner's working copies of the notebooks (git-ignored): JupyterLab opens these, never
# the originals in notebooks/, so the clone stays clean and `git pull` never conflicts.
WORK := my-notebooks
# JupyterLab's user settings and workspaces stay with the learner's copies, not in ~/.jupyter.
LAB_ENV := JUPYTER_PREFER_ENV_PATH=1 JUPYTERLAB_SETTINGS_DIR=$(WORK)/.jupyterlab/settings \
  JUPYTERLAB_WORKSPACES_DIR=$(WORK)/.jupyterlab/workspaces
LAB_OPTIONS := --ServerApp.root_dir=$(WORK) --LabApp.default_url=/lab/tree/$(FIRST_NOTEBOOK)
# Extra arguments for JupyterLab, e.g. ARGS="--no-browser --port 8899".
ARGS ?=
# pytest-xdist workers for `make test`: the machine this was measured on has 2 cores.
WORKERS ?= 2
# One notebook for `make test`, `make test-browser` or `make refresh`, e.g.
# NB=notebooks/00_START_HERE.ipynb.
NB ?=
# Gallery cases for `make baselines`, e.g. CASES="show_3d index_gather" (empty: every case).
CASES ?=

# `make fresh` takes a lesson's name (NB=03_strides); the other targets take a path.
ifneq ($(filter fresh,$(MAKECMDGOALS)),)
FRESH := $(NB)
else ifneq ($(NB),)
ifeq ($(wildcard $(NB)),)
$(error NB=$(NB) does not exist; the notebooks are: $(NOTEBOOKS))
endif
endif

.DEFAULT_GOAL := help
.PHONY: help preflight cheatsheet lab fresh test test-browser lint refresh minutes bench guide baselines \
  site clean

help:
	@echo "make preflight  check this machine for the workshop (a week before), changing nothing"
	@echo "make cheatsheet  the learner cheatsheet, docs/cheatsheet.md and its A4 and Letter"
	@echo "              PDFs, from docs/cheatsheet/cheatsheet.toml (needs Chromium)"
	@echo "make lab      set up .venv if needed, then open your copies of the notebooks"
	@echo "              ($(WORK)/) in JupyterLab; ARGS=\"--no-browser --port 8899\" passes options"
	@echo "make fresh NB=03_strides  a fresh copy of one lesson; yours moves to $(WORK)/previous/"
	@echo "make test     set up .venv if needed, lint, run the unit tests and every notebook"
	@echo "              (NB=notebooks/NN_name.ipynb runs one notebook; WORKERS=0 runs serially)"
	@echo "make test-browser  run every notebook in JupyterLab in headless Chromium, as a learner"
	@echo "make lint     ruff over helpers/, tests/, tools/, benchmarks/ and the notebooks"
	@echo "make refresh  re-execute the notebooks and store their outputs (NB=... for one)"
	@echo "make minutes  each notebook's core and deeper minutes by the series' yardstick"
	@echo "make site     build the website from the stored notebooks (none runs) into build/site/"
	@echo "make bench    time memlayout's drawings on huge inputs and the minimum-peak search"
	@echo "              on 10- to 40-node graphs, and measure each notebook's kernel peak memory"
	@echo "              (a report, not a test)"
	@echo "make guide    rewrite the instructor guide's generated parts (docs/instructor_guide.md)"
	@echo "              from the lessons, the README's schedules and benchmarks/kernel_peaks.json"
	@echo "make baselines  rewrite the figure baselines (tests/baseline_images/) after a deliberate"
	@echo "              change to a drawing; CASES=\"show_3d index_gather\" rewrites only those"
	@echo "make clean    remove .venv and the caches"

# The system Python, never .venv: a check of the machine must not set anything up.
preflight:
	@$(PYTHON) tools/preflight.py

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "make: $(PYTHON) is older than Python 3.11; run e.g. make $(MAKECMDGOALS) PYTHON=python3.11" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml helpers/workshop/pyproject.toml tools/jupyterlab/overrides.json | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --editable '.[workshop]' \
	  --editable helpers/workshop
	$(PY) -c 'import os, shutil; os.makedirs("$(LAB_SETTINGS)", exist_ok=True); \
	  shutil.copyfile("tools/jupyterlab/overrides.json", "$(LAB_SETTINGS)/memlayout-workshop.json")'
	@touch $@

lab: $(STAMP)
	$(PY) tools/working_copies.py sync notebooks $(WORK)
	$(LAB_ENV) $(BIN)/jupyter lab $(LAB_OPTIONS) $(ARGS)

fresh: $(STAMP)
	@test -n "$(FRESH)" || { echo "make fresh: name the lesson, e.g. make fresh NB=03_strides" >&2; exit 2; }
	$(PY) tools/working_copies.py fresh notebooks $(WORK) $(FRESH)

lint: $(STAMP)
	$(BIN)/ruff check

# Two pytest workers; --dist loadscope keeps each notebook's cells, in order, on one worker and
# one kernel. WORKERS=0 runs everything in one process.
test: lint
	$(PY) -m pytest -q -n $(WORKERS) --dist loadscope $(NB)

# JupyterLab in headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM=...), on a
# throwaway copy of the repository; screenshots go to build/browser/.
test-browser: $(STAMP)
	$(PY) tests/browser/run_browser_test.py $(NB)

# The site's page and the printed pages, from one source; each PDF must be one page.
cheatsheet: $(STAMP)
	$(PY) tools/cheatsheet.py

refresh: $(STAMP)
	$(PY) tools/refresh_notebooks.py $(or $(NB),$(NOTEBOOKS))

minutes: $(STAMP)
	$(PY) tools/yardstick.py $(or $(NB),$(NOTEBOOKS))

# The series as a website, from the stored outputs; any Sphinx warning fails it. The last line
# printed is the path of the built index.html.
site: $(STAMP)
	$(PY) tools/build_site.py build/site

bench: $(STAMP)
	$(PY) benchmarks/bench_drawing.py
	$(PY) benchmarks/bench_graph.py
	$(PY) benchmarks/bench_explorer.py
	$(PY) benchmarks/bench_kernel_peaks.py

# The lessons' parts of the instructor guide; after benchmarks/bench_kernel_peaks.py --record,
# the room sizing too.
guide: $(STAMP)
	$(PY) tools/instructor_guide.py

# The figure gallery of tools/make_baselines.py, rendered as tests/test_figure_baselines.py does.
baselines: $(STAMP)
	$(PY) tools/make_baselines.py $(CASES)

clean:
	rm -rf $(VENV) .hypothesis .ruff_cache
