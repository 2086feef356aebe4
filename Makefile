# Two commands do everything on a fresh machine:
#   make chat   set up, then talk to the bot in the terminal (no token needed)
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup chat run test lint check eval fit bench clean

setup: $(STAMP)

# tools/venv.sh checks the Python's version and makes .venv, or remakes one whose pip does not run.
$(STAMP): pyproject.toml
	sh tools/venv.sh $(PYTHON) $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(PY) bot.py chat

run: $(STAMP)
	$(PY) bot.py run

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: $(STAMP)
	$(PY) bot.py check

# Every labelled ward under ../shared/eval/ (faq.yaml, content/, questions.yaml), each
# with its own temporary index; one row per ward, then their mean.
EVAL_WARDS := $(sort $(wildcard ../shared/eval/*/))

eval: $(STAMP)
	$(PY) bot.py eval $(EVAL_WARDS)

fit: $(STAMP)
	$(PY) bot.py fit $(EVAL_WARDS)

bench: $(STAMP)
	$(PY) bench/bench_search.py --quick
	$(PY) bench/bench_update.py --quick
	$(PY) bench/bench_fanout.py --quick

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
