# Two commands: `make run` (sandbox + Dagster UI on http://127.0.0.1:3000) and `make test`.
# `make install` adds the extras (sandbox, deck, dev) to the runtime dependencies; the image
# installs the runtime ones only (deploy/requirements.lock).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install secrets sandbox run demo test test-prod emulators lint secret-scan bench deck \
	clean mutation mutation-sql mutation-guard-full deploy-lock deploy-check

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[sandbox,deck,dev]'
	touch $@

# Local keys, known_hosts, .env and DAGSTER_HOME, created only where missing.
secrets: install
	$(PY) -m ouchhungry_dp.sandbox.bootstrap

sandbox: secrets
	$(PY) -m ouchhungry_dp.sandbox

run: secrets
	bash scripts/run_local.sh

# With `make run` up: backfill last month and this month to date, deliver them.
demo: secrets
	bash scripts/demo.sh

lint: install
	$(VENV)/bin/ruff check ouchhungry_dp ouchhungry_dp_tests benchmarks

secret-scan: install
	$(PY) -m ouchhungry_dp.secret_scan

# Two pytest-xdist workers, each taking whole modules (a module's fixtures are built once;
# each worker starts its own sandbox); the slowest modules are handed out first
# (ouchhungry_dp_tests/conftest.py). TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test: install lint secret-scan
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# Mutation testing (mutmut) per area of mutation.toml, each area with its own tests only.
# Slow (minutes per area on 2 cores): not part of `make test`, which replays the known
# mutants instead (ouchhungry_dp_tests/mutation). Results: docs/testing.md.
MUTATION_AREAS ?= delivery alerts release
mutation: install
	$(PY) scripts/mutation.py $(MUTATION_AREAS)

# The engine's SQL, which mutmut does not mutate (it skips string literals): one-token
# mutants of the statements (scripts/sql_mutants.py), each against the engine tests of
# its statement, two workers. ~1-2 h on the shared 2-core box: not part of `make mutation`.
mutation-sql: install
	$(PY) scripts/sql_mutation.py --jobs 2
	$(PY) scripts/sql_mutation.py --report

# The known mutants whose tests are slow (real Dagster runs, bcrypt keys, SMTP relays with
# retries): marker `mutation_full`, left out of `make test`, run by .ci/run after it.
mutation-guard-full: install
	$(VENV)/bin/pytest -m mutation_full ouchhungry_dp_tests/mutation

# The BigQuery and GCS emulators (bqemulator, gcp-storage-emulator) in their own
# virtualenv: their pins clash with ours. The prod tests start them on 127.0.0.1.
EMULATOR_VENV ?= $(CURDIR)/.emulators/venv
emulators: install
	OUCHHUNGRY_EMULATOR_VENV=$(EMULATOR_VENV) $(PY) -c "from ouchhungry_dp_tests.prod.emulators import emulator_venv; print(emulator_venv())"

# OUCHHUNGRY_ENV=prod (BigQuery IO manager and source, GCS) against the emulators: ~3 min.
test-prod: emulators
	OUCHHUNGRY_EMULATOR_VENV=$(EMULATOR_VENV) $(VENV)/bin/pytest -m prod ouchhungry_dp_tests/prod

bench: install
	$(PY) benchmarks/bench_cleaning.py --rows 100000
	$(PY) benchmarks/bench_sftp.py --size-mb 100
	$(PY) benchmarks/bench_simulation.py --rows 1000000

deck: install
	PYTHONPATH=$(CURDIR) $(PY) scripts/build_deck.py --lang pt --out docs/deck/ouchhungry_dp.pptx
	PYTHONPATH=$(CURDIR) $(PY) scripts/build_deck.py --lang en --out docs/deck/ouchhungry_dp_en.pptx

clean:
	rm -rf .local .sandbox .dagster_home

# -- deployment (deploy/, docs/deployment.md) ----------------------------------------------
# Hash-pinned runtime lock the image is built from; re-run after changing dependencies.
deploy-lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --custom-compile-command "make deploy-lock" \
	  --quiet -o deploy/requirements.lock

# Instance on a real Postgres, shared state, fail-closed settings, Helm values, lock.
deploy-check: install
	$(VENV)/bin/pytest ouchhungry_dp_tests/deploy ouchhungry_dp_tests/e2e/test_cli_delivery_postgres.py \
	  ouchhungry_dp_tests/e2e/test_two_pods_postgres.py
