# eQueue: `make run` starts the app (SQLite, migrations, demo data); `make test` runs every test.
# Environment variables (EQUEUE_*, EQUEUE_REQUIRE_POSTGRES, EQUEUE_REQUIRE_BROWSER) pass through.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# `make bench`: the live fan-out load benchmark (not part of `make test`), e.g. VIEWERS=1000.
VIEWERS ?= 100
# page: queue pages over socket.io; api: API clients on the queue's event stream.
KIND ?= page
DB ?= sqlite
RATE ?= 2
DURATION ?= 20
PROCESSES ?= 1
LOADERS ?= 0
LOADER_NICE ?= 0
RESTART ?= 0
# TUNING=off: the app without its patches of library internals (equeue_ui/tuning), to compare.
TUNING ?= on
# QUEUES: viewers and changes (RATE in all) spread over that many queues, each also with one
# board and one teacher's console page. ARRIVALS: page loads per second during the changes (a
# new tab opens, an old one closes). SOAK: minutes of changes instead of DURATION, the app's
# memory sampled every minute. WAVES=2: every viewer leaves, as many connect again.
QUEUES ?= 1
ARRIVALS ?= 0
SOAK ?= 0
WAVES ?= 1
BENCH_ARGS ?=

.PHONY: venv run run-ecourses browser test lint clean bench translations lock

venv: $(STAMP)

# The exact versions the suite passed with, with their hashes: `make lock` refreshes them.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
LOCK_OPTIONS := --universal --python-version 3.11 --generate-hashes --quiet

# Re-install only when the lock or pyproject.toml changed since the last install.
$(STAMP): $(TEST_LOCK) pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --require-hashes -r $(TEST_LOCK)
	$(VENV)/bin/python -m pip install --no-deps -e .
	@touch $@

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "eQueue needs Python 3.11 or newer; '$(PYTHON)' is older or missing." >&2; \
		echo "Run e.g. 'make PYTHON=python3.11 $(MAKECMDGOALS)'." >&2; \
		exit 1; \
	}
	$(PYTHON) -m venv $(VENV)

# Resolve the newest versions pyproject.toml allows into the two lock files (the app's, and the
# app's plus the tests'), then install them. Run it after changing dependencies, and monthly for
# updates; then `make test` (and `make bench`: equeue_ui/tuning/README.md) before committing.
lock: $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_OPTIONS) --upgrade -o $(LOCK)
	$(VENV)/bin/uv pip compile pyproject.toml --extra test $(LOCK_OPTIONS) --upgrade \
		-c $(LOCK) -o $(TEST_LOCK)
	@$(MAKE) --no-print-directory venv

run: venv
	$(VENV)/bin/equeue run --demo

# The demo with a fake eCourses (Moodle) on loopback, so eCourses sign-in and import can be
# tried (its accounts are in the README). Ctrl+C stops both.
ECOURSES_PORT ?= 8099
run-ecourses: venv
	@$(VENV)/bin/equeue fake-ecourses --port $(ECOURSES_PORT) & fake=$$!; \
	trap 'kill $$fake 2>/dev/null' EXIT INT TERM; \
	EQUEUE_ECOURSES_URL=http://127.0.0.1:$(ECOURSES_PORT) $(VENV)/bin/equeue run --demo

# The end-to-end tests drive the system Chromium (Playwright cannot download browsers here).
browser:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-dejavu-core; \
	else \
		echo "/usr/bin/chromium is missing and this is not root." >&2; \
		echo "Install it with: sudo apt-get install chromium fonts-dejavu-core" >&2; \
		exit 1; \
	fi

test: venv browser
	@scripts/ensure-postgres.sh
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# Prints a table, then one machine-readable line. LOADERS=0 picks the load processes itself;
# BENCH_ARGS passes more options (--details, --gc-trace…: `python -m tests.bench.fanout --help`).
bench: venv
	$(VENV)/bin/python -m tests.bench.fanout --viewers $(VIEWERS) --db $(DB) --rate $(RATE) \
		--duration $(DURATION) --processes $(PROCESSES) --loaders $(LOADERS) \
		--loader-nice $(LOADER_NICE) --restart $(RESTART) --tuning $(TUNING) \
		--viewers-kind $(KIND) --queues $(QUEUES) --arrivals $(ARRIVALS) --soak $(SOAK) \
		--waves $(WAVES) $(BENCH_ARGS)

# The gettext catalogs (equeue_ui/locales): the template extracted from the code, each language's
# .po brought up to date with it (new texts untranslated, changed ones fuzzy), the .mo compiled.
# pybabel's options are in pyproject.toml ([tool.babel.*]). Commit all three kinds of file.
translations: venv
	$(VENV)/bin/pybabel -q extract
	$(VENV)/bin/pybabel -q update
	$(VENV)/bin/pybabel compile --statistics

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

clean:
	rm -rf $(VENV) build/ data/ *.egg-info

# The Tailwind classes the pages use, compiled ahead of time (equeue_ui/static/tailwind.input.css
# says from which sources) into equeue_ui/static/tailwind.css. Commit the result: the app runs
# with Python alone. Run it after using a Tailwind class the code did not use before
# (tests/unit/test_tailwind_css.py fails until then). Needs npm; the CLI goes into build/.
TAILWIND_VERSION := 4.1.13
TAILWIND_DIR := build/tailwind
.PHONY: css
css:
	@mkdir -p $(TAILWIND_DIR)
	cd $(TAILWIND_DIR) && npm install --no-save --no-audit --no-fund --silent \
		@tailwindcss/cli@$(TAILWIND_VERSION) tailwindcss@$(TAILWIND_VERSION)
	NODE_PATH=$(TAILWIND_DIR)/node_modules $(TAILWIND_DIR)/node_modules/.bin/tailwindcss \
		-i equeue_ui/static/tailwind.input.css -o equeue_ui/static/tailwind.css --minify

# NiceGUI's Material Icons font cut down to the icons the code names (scripts/cut_icon_font.py),
# into equeue_ui/static/material-icons.woff2. Commit the result. Run it after naming an icon the
# code did not use before (tests/unit/test_icon_font.py fails until then).
.PHONY: icon-font
icon-font: venv
	$(VENV)/bin/python scripts/cut_icon_font.py
