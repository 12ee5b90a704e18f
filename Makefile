# ParkFlow — make run · make dev · make test · make e2e · make bench · make lint · make migrations-check
#
# Dependencies are installed only when pyproject.toml / package-lock.json change (stamp files).

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# make test runs the suite on every CPU (pytest-xdist; the e2e tests stay in one process).
TEST_WORKERS ?= auto

PY_STAMP := $(VENV)/.parkflow-installed
NODE_STAMP := node_modules/.parkflow-installed

.PHONY: run dev test e2e bench lint format migrations-check install check-deploy messages

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(PY_STAMP) $(NODE_STAMP)

# As a park runs it on one machine: DEBUG off (the product's own error pages), a secret key
# generated once into var/secret_key, loopback hosts, gunicorn + the huey worker (docs/decisions.md D24).
run: export DEBUG = 0
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py serve --port $(PORT)

# For developers: DEBUG=1, Django's debug pages and runserver's autoreload.
dev: export DEBUG = 1
dev: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py serve --port $(PORT)

# Exit code 5 means pytest collected no tests: that is a failure here, not a pass.
test: install
	@$(PY) -m pytest -m "not e2e" -n $(TEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests were collected" >&2; exit 1; fi; exit $$rc

e2e: install
	@$(PY) -m pytest -m e2e parkflow/e2e $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make e2e: no tests were collected" >&2; exit 1; fi; exit $$rc

# make bench: the kernel benchmark on a throw-away database, then the SLA clocks at 10,000 items
# on PostgreSQL (bench/sla.py: the set-based overdue and due-soon selectors, the calendar loop vs
# its working-ordinal index; BENCH_SLA_DATABASE_URL, default database parkflow_bench_sla,
# re-created each run; skipped when PostgreSQL is not reachable), results in
# bench/results/sla-latest.txt; then the audit chain at 1,000,000 events on PostgreSQL
# (bench/audit.py: appends with 1 and 8 writers, verification speed, writers during a sweep;
# BENCH_AUDIT_DATABASE_URL, default database pf_audit_bench, kept between runs; skipped when
# PostgreSQL is not reachable), results in bench/results/audit-latest.txt; then the occupancy
# calendar of a 500-unit building over a month with ~10,000 allocations on PostgreSQL
# (bench/resources.py; BENCH_RESOURCES_DATABASE_URL, default database parkflow_bench_resources,
# re-created each run; skipped when PostgreSQL is not reachable), results in
# bench/results/resources-latest.txt; then the service desk's rule sweep at group scale — 100,000
# complaints and 500,000 service requests with their SLA clocks on PostgreSQL (bench/servicedesk.py;
# BENCH_SERVICEDESK_DATABASE_URL, default database parkflow_bench_servicedesk, re-created each run;
# skipped when PostgreSQL is not reachable; several minutes), results in
# bench/results/servicedesk-latest.txt; then billing at group scale on PostgreSQL (bench/billing.py:
# a month of bills for 10,000 enterprises' signed agreements through bill_run_start and the worker,
# seconds and queries; the receivables dashboard at 1,000,000 bills, p50/p95 and queries of its
# selector and page, with and without its partial index; BENCH_BILLING_DATABASE_URL, default
# database parkflow_bench_billing, re-created each run; skipped when PostgreSQL is not reachable),
# results in bench/results/billing-latest.txt; then business-licence reading (bench/licences.py:
# the generated standard set of 50 licences — horizontal and vertical, clean scans, light
# degradation and phone photos on a desk, e-licence and scanned PDFs — through the offline reader;
# per-field accuracy, seconds per licence, misread credit codes and how many were flagged; no
# database), results in bench/results/licences-latest.txt.
# make bench SLA=1 / AUDIT=1 / RESOURCES=1 / SERVICEDESK=1 / BILLING=1 / LICENCES=1: that part alone.
# make bench SCALE=1: every
# list at demo size and at group scale on PostgreSQL (bench/scale.py; BENCH_DEMO_DATABASE_URL,
# BENCH_SCALE_DATABASE_URL), results in bench/results/scale-latest.txt.
bench: install
ifeq ($(SCALE),1)
	$(PY) bench/scale.py
else ifeq ($(SLA),1)
	$(PY) bench/sla.py
else ifeq ($(AUDIT),1)
	$(PY) bench/audit.py
else ifeq ($(RESOURCES),1)
	$(PY) bench/resources.py
else ifeq ($(SERVICEDESK),1)
	$(PY) bench/servicedesk.py
else ifeq ($(BILLING),1)
	$(PY) bench/billing.py
else ifeq ($(LICENCES),1)
	$(PY) bench/licences.py
else
	$(PY) bench/run.py
	$(PY) bench/sla.py
	$(PY) bench/audit.py
	$(PY) bench/resources.py
	$(PY) bench/servicedesk.py
	$(PY) bench/billing.py
	$(PY) bench/licences.py
endif

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# Refresh the English catalogue (msgmerge keeps existing translations), then compile the .mo.
messages: install
	$(PY) manage.py makemessages -l en --ignore=node_modules --ignore=.venv --ignore=staticfiles --ignore='parkflow/testdomain/*'
	$(PY) manage.py compilemessages -l en --ignore=.venv --ignore=node_modules
