# Two commands do everything on a fresh machine:
#   make chat   set up, then talk to the bot in the terminal (no token needed)
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup system chat run test lint check eval fit bench bench-full constraints clean FORCE

setup: $(STAMP)

# A .venv whose python does not run (the folder copied from another computer, the system's
# Python upgraded away) is set up again, whatever its stamp says.
BROKEN := $(shell $(PY) -c '' >/dev/null 2>&1 || echo FORCE)

# tools/venv.sh checks the Python's version and makes .venv, or remakes one whose pip does not run.
# The bot's libraries at the versions constraints.txt pins, those the Docker image installs:
# the tests (CI's on a fresh machine too) run what the image runs, whatever came out since.
$(STAMP): pyproject.toml constraints.txt $(BROKEN)
	sh tools/venv.sh $(PYTHON) $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' -c constraints.txt
	touch $(STAMP)

# Newer libraries (or pyproject.toml's dependencies changed so that a pin no longer fits):
# the newest each range allows, pinned again in constraints.txt. Then run the tests, and
# commit both files.
constraints: FORCE
	sh tools/venv.sh $(PYTHON) $(VENV)
	$(PY) -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[dev]'
	$(PY) tools/constraints.py > constraints.txt.new
	mv constraints.txt.new constraints.txt
	touch $(STAMP)

chat: $(STAMP)
	$(PY) bot.py chat

run: $(STAMP)
	$(PY) bot.py run

# The system packages first (python3-venv, Chromium for the browser tests): installed as
# root, otherwise named with the command to install them.
test: system $(STAMP)
	$(PY) -m pytest -q

system:
	bash tools/system-packages.sh $(PYTHON)

CONTRACT := ../shared/spec/FORMATS.md

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	@# docs/FORMATS.md is a copy of the contract kept beside the project, when it is there.
	@if [ -f $(CONTRACT) ] && ! cmp -s docs/FORMATS.md $(CONTRACT); then \
		echo "docs/FORMATS.md differs from $(CONTRACT): copy it again"; exit 1; fi

check: $(STAMP)
	$(PY) bot.py check

# Every labelled ward under ../shared/eval/ (faq.yaml, content/, questions.yaml), each
# with its own temporary index; one row per ward, then their mean.
# A clone alone has none: `make eval EVAL_WARDS='DIR DIR'` names others.
EVAL_WARDS := $(sort $(wildcard ../shared/eval/*/))
NO_WARDS := no labelled wards under ../shared/eval/ (beside the project, not in a clone): name\
 yours, each a folder with faq.yaml, content/ and questions.yaml, as EVAL_WARDS='DIR DIR'

eval: $(STAMP)
	$(if $(strip $(EVAL_WARDS)),,$(error make eval: $(NO_WARDS)))
	$(PY) bot.py eval $(EVAL_WARDS)

fit: $(STAMP)
	$(if $(strip $(EVAL_WARDS)),,$(error make fit: $(NO_WARDS)))
	$(PY) bot.py fit $(EVAL_WARDS)

bench: $(STAMP)
	$(PY) bench/bench_search.py --quick
	$(PY) bench/bench_update.py --quick
	$(PY) bench/bench_fanout.py --quick
	$(PY) bench/bench_threads.py

# The long run, never in CI (see bench/README.md): search at 1k, 10k and 100k with every
# side, tantivy as the reference (the optional '.[bench]' extra), then the other benches
# at their full sizes.
# Extra flags for bench_search.py, e.g. BENCH_FULL_FLAGS="--max-docs meaning=10000".
BENCH_FULL_FLAGS ?=

bench-full: $(VENV)/.bench-installed
	$(PY) bench/bench_search.py --sizes 1000,10000,100000 $(BENCH_FULL_FLAGS)
	$(PY) bench/bench_update.py
	$(PY) bench/bench_fanout.py
	$(PY) bench/bench_threads.py

$(VENV)/.bench-installed: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

FORCE:

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
