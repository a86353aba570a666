# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# PostgreSQL 15 on this machine: trust auth, database "test". Set it empty to run SQLite only.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in emails point here; `make run PORT=…` changes both, so an emailed link opens the running app.
BASE_URL ?= http://$(HOST):$(PORT)


NODE_PACKAGES := tests/oidc_provider tests/prism tests/htmlcs

.PHONY: node lint run serve worker setup test test-unit test-integration test-e2e mutate bench verify install clean

# Pinned versions from requirements.lock (reproducible), then the project itself.
$(BIN)/flask: pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/flask

install: $(BIN)/flask

## The Node packages the tests run (the local OpenID provider, Prism, HTML_CodeSniffer), from their
## lock files, again only when a lock file changes (npm writes node_modules/.package-lock.json).
node: $(addsuffix /node_modules/.package-lock.json,$(NODE_PACKAGES))

%/node_modules/.package-lock.json: %/package-lock.json
	npm ci --prefix $* --quiet --no-audit --no-fund

## Set up (venv, migrated database, built-in content, demo accounts) and serve the app.
# Plain HTTP on this machine only, so the session cookie may not carry the Secure flag here.
run: setup
	SESSION_COOKIE_SECURE=0 BASE_URL='$(BASE_URL)' $(BIN)/flask run --host $(HOST) --port $(PORT)

setup: install
	$(BIN)/flask setup

## Production: gunicorn with the workers and threads of gunicorn.conf.py (2 × 4, as measured by
## make verify). Set DATABASE_URL, SECRET_KEY and GUNICORN_BIND (default 127.0.0.1:8000).
serve: install
	$(BIN)/flask setup --no-demo
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Bulk jobs on RQ workers (with REDIS_URL set, beside `make serve`); without it, the local runner.
worker: install
	$(BIN)/flask jobs worker

## Guard rails: ruff, mypy (strict for the engine and the pure domain rules), import-linter contracts,
## and the documentation site built strictly (a broken link or anchor in docs/ fails).
PURE_MODULES := competencies/engine curriculum/analysis.py curriculum/prerequisites.py curriculum/diff.py curriculum/schedule.py \
	curriculum/drafts.py core/keys.py core/paging.py core/whole_numbers.py core/given_names.py core/csv_safe.py core/rule_problems.py assessments/deadlines assessments/agreement.py assessments/reasons.py \
	assessments/enrolment_rules.py assessments/revisions.py assessments/case_study_rules.py assessments/grid_rules.py assessments/sampling.py \
	assessments/file_names.py assessments/calibration.py assessments/reminders.py assessments/training_status.py core/backups/archive.py core/accounts/single_sign_on.py \
	dfe/milestones.py dfe/declaration_rules.py dfe/differences.py core/clock.py core/roles.py
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(PURE_MODULES)
	$(BIN)/lint-imports
	$(BIN)/mkdocs build --strict --quiet

## The whole suite: guard rails, then unit, integration on SQLite and PostgreSQL, end-to-end in headless chromium,
## on every core (pytest-xdist: each worker its own schemas, SQLite files, ports and queues; a test
## file stays on one worker, in order). It prints the 20 slowest tests and, last, its own time.
TEST_WORKERS ?= auto
test: install node
	@started=$$(date +%s); status=0; \
	$(MAKE) --no-print-directory lint && \
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=20 \
	|| status=$$?; took=$$(( $$(date +%s) - started )); \
	printf '\nmake test: %s in %d min %02d s\n' "$$([ $$status -eq 0 ] && echo passed || echo FAILED)" $$((took / 60)) $$((took % 60)); \
	exit $$status

test-unit: install
	$(BIN)/python -m pytest tests/unit

test-integration: install
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/python -m pytest tests/integration

test-e2e: install
	$(BIN)/python -m pytest tests/e2e

## Mutation testing (issue 20), not part of make test or CI: mutmut mutates the pure modules of
## [tool.mutmut] in pyproject.toml and runs the unit tests against each mutant, hypothesis in its CI
## profile; then prints each module's score and fails if any is under 90%. MUTATE_CHILDREN mutants at once.
MUTATE_CHILDREN ?= $(shell $(PYTHON) -c 'import os; print(os.cpu_count() or 1)')
mutate: install
	rm -rf mutants
	CI=true $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN)
	$(BIN)/python scripts/mutation_scores.py

## Performance targets, printed as ratios against a floor measured in the same run.
bench: install
	$(BIN)/python benchmarks/run.py

## The figures of issue 10, each with its target; exits non-zero on a miss. ROWS=... picks rows.
verify: install
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/python -m verify $(ROWS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
