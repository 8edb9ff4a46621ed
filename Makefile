# The two commands a user runs: `make demo` and `make test`. Everything else is here too.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= 127.0.0.1:8000
WEB_CONCURRENCY ?= 2
# The demo's county (a shipped county profile: cook, will, mchenry), each in its own SQLite file.
COUNTY ?= cook
DEMO_DB := $(if $(filter cook,$(COUNTY)),db.sqlite3,db-$(COUNTY).sqlite3)
DEMO_ENV := DEBUG=1 DEMO_MODE=1 OFFICE_COUNTY=$(COUNTY) SQLITE_PATH=$(DEMO_DB)

.PHONY: install migrate demo serve worker test lint e2e chromium bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --requirement requirements.lock
	@touch $@

migrate: install
	$(PY) manage.py migrate --noinput

demo: install
	$(DEMO_ENV) $(MAKE) --no-print-directory migrate
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo "Serving http://$(BIND)/  ($(COUNTY) county; demo users: asa, supervisor, clerk, admin; password: demo)"
	$(DEMO_ENV) $(MAKE) --no-print-directory serve

# The web process; docker-compose runs the same target.
serve: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(BIND) --workers $(WEB_CONCURRENCY) --access-logfile - --timeout 300

# A Celery worker; docker-compose runs the same target.
worker: install
	$(VENV)/bin/celery --app config worker --loglevel INFO --queues $${CELERY_QUEUE:-celery} $${CELERY_BEAT:+--beat}

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Browser journeys only (they also run in `make test` when Chromium is present).
e2e: install chromium
	$(PY) -m pytest -m e2e

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here), and
# the fonts the court papers are set in.
chromium:
	@command -v chromium >/dev/null 2>&1 && fc-list | grep -qi liberation || { apt-get update -qq && apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core; }

# Speed and memory, written down (never asserted by tests). The pipeline part needs
# DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); without them it says so and skips.
bench: install
	$(PY) -m benchmarks.engine
	$(PY) -m benchmarks.pipeline
	$(PY) -m benchmarks.packets --convictions 1000
	$(PY) -m benchmarks.packets --county will --shape omnibus --convictions 1653
	@if [ -n "$$DATABASE_URL" ]; then $(PY) -m benchmarks.review_pages --rows 1000000 && \
	$(PY) -m benchmarks.search --rows 1000000; \
	else echo "benchmarks.review_pages, benchmarks.search: set DATABASE_URL (PostgreSQL) to time the review pages and the search"; fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
