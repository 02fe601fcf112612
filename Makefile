# The two commands the README opens with. Both create .venv if missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	# the full developer install: registry + PostgreSQL + tests (a bedside install is plain `pip install rarebone`)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[registry,postgres,web,screen,test]'
	touch $(STAMP)

DEMO_DB := out/rarebone-demo.sqlite

# the clinicians' workbench on the SYNTHETIC demo registry (docs/workbench.md); Ctrl+C stops the server
run: $(STAMP)
	mkdir -p out
	$(BIN)/rarebone registry demo --patients 500 --seed 1 --db $(DEMO_DB)
	$(BIN)/rarebone report --db $(DEMO_DB) --by donor_relation --at 60 --time-unit months -o out/report.html
	@echo "SYNTHETIC demo registry: $(DEMO_DB); outcomes report: out/report.html"
	$(BIN)/python -m rarebone.web.first_login --db $(DEMO_DB) --out out/first-login.txt --address http://127.0.0.1:8000
	@echo "Workbench: open http://127.0.0.1:8000 and sign in as 'clinician' (password in out/first-login.txt)"
	$(BIN)/rarebone serve --db $(DEMO_DB) --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_assess.py
	$(BIN)/python benchmarks/bench_monitor.py
	$(BIN)/python benchmarks/bench_cno.py
	$(BIN)/python benchmarks/bench_registry.py
	$(BIN)/python benchmarks/bench_differential.py
	$(BIN)/python benchmarks/bench_cds_hooks.py
	$(BIN)/python benchmarks/bench_workbench_list.py
	$(BIN)/python benchmarks/bench_workbench.py --db sqlite
	$(BIN)/python benchmarks/bench_screen.py --persons 50000   # the issue's 1,000,000: --persons 1000000 (~20 min)

clean:
	rm -rf $(VENV) build src/*.egg-info
