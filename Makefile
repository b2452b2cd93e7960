# Sentinelle: `make demo` runs the main job end to end; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_PATIENTS ?= 20000

.PHONY: install demo test bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[fast,remote,test]'
	$(BIN)/python -m compileall -q src  # as a wheel install would (PYTHONDONTWRITEBYTECODE)
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sentinelle synth --patients $(DEMO_PATIENTS) --labs 6 --seed 2021 \
		--out demo-out/export_megabus.csv --truth demo-out/truth.json
	$(BIN)/sentinelle scan demo-out/export_megabus.csv --out-dir demo-out --fail-on never
	$(BIN)/sentinelle assess demo-out/export_megabus.csv --out demo-out/assessment
	@echo "Reports: demo-out/report.json demo-out/report.html demo-out/report.sarif"
	@echo "Leak assessment: demo-out/assessment/{assessment.json,report.html,art33.md,art33.pdf}"

test: $(STAMP)
	./scripts/system-deps.sh
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[fast,test,bench]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf demo-out .pytest_cache .hypothesis
