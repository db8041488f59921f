# Desa Binaan: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
export FLASK_APP := app
DEV := APP_ENV=development

# Every failure, error and rerun named in the summary; the slowest 15 tests timed.
PYTEST := $(BIN)/pytest -rfER --durations=15

.PHONY: run test lint setup venv translations db i18n screenshots clean

run: setup
	$(DEV) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# `make test BROWSER=no` leaves the browser tests out (CI runs them once, on SQLite).
BROWSER ?= yes
test: setup
	@if [ "$(BROWSER)" = no ]; then \
		echo "BROWSER=no: the browser tests are left out of this run."; \
		$(PYTEST) -m "not e2e"; \
	elif [ -x "$(CHROMIUM)" ]; then \
		CHROMIUM_PATH=$(CHROMIUM) $(PYTEST); \
	else \
		echo "No Chromium at $(CHROMIUM): SKIPPING the browser tests (install Debian's chromium to run them)."; \
		$(PYTEST) -m "not e2e"; \
	fi

lint: venv
	$(BIN)/ruff check .

setup: venv translations db

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# Compiled only when the catalog changed.
MO := translations/id/LC_MESSAGES/messages.mo
translations: venv $(MO)

$(MO): translations/id/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/python translate.py compile

db: venv
	$(DEV) $(BIN)/flask db upgrade
	$(DEV) $(BIN)/flask seed-demo

# After changing user-facing text: extract, merge into the catalogs, translate the new
# entries in translations/id/LC_MESSAGES/messages.po, then run `make i18n` again to compile.
i18n: venv
	$(BIN)/python translate.py extract update compile

# The README's picture tour: each role's main screens at 360 px, from the real app in Chromium.
screenshots: venv translations
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) instance/*.db instance/*.db-* translations/*/LC_MESSAGES/*.mo
