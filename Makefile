# Two commands a fresh machine needs: `make run` and `make test`. Both install into .venv first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test eval bench install clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot serve $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q -rs $(PYTEST_ARGS)

eval: $(STAMP)
	$(BIN)/python ../shared/tools/nlp_score.py ../shared/nlp_dev.jsonl --python $(BIN)/python

bench: $(STAMP)
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/sweep_bench.py

clean:
	rm -rf var/*.db var/reports
