# Two commands: `make run` and `make test`. Everything else is what they build on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PO := translations/zh_Hant_HK/LC_MESSAGES/messages.po
MO := $(PO:.po=.mo)
# The Simplified catalogue is generated from the Traditional one (tools/simplified_catalogue.py), never edited.
HANS_PO := translations/zh_Hans_HK/LC_MESSAGES/messages.po
HANS_MO := $(HANS_PO:.po=.mo)
export FLASK_APP := wsgi

.PHONY: run test install migrate lock translations compile-translations check sync preview lint bench fuzz screenshots clean

LOCK := constraints.txt

## make install: the versions in constraints.txt (the ones the suite passed with), for every dependency
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make lock: pin pyproject.toml's dependencies and theirs into constraints.txt (after adding or changing one).
## Pins already there are kept unless pyproject.toml rules them out; a lock left with merge-conflict markers
## is resolved afresh. UPGRADE=1 moves every pin to the newest release allowed. Then run make test and commit.
UV_VERSION ?= 0.13.9
lock:
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	if [ -f $(LOCK) ] && grep -qE '^(<<<<<<<|=======|>>>>>>>)' $(LOCK); then rm $(LOCK); fi
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --no-header \
	  --annotation-style line $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

$(HANS_PO): $(PO) content/zh-cn-terms.yml portal/simplified.py tools/simplified_catalogue.py $(STAMP)
	$(BIN)/python tools/simplified_catalogue.py

$(MO) $(HANS_MO) &: $(PO) $(HANS_PO) $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations

compile-translations: $(MO) $(HANS_MO)

## make run: install, compile translations, load content, serve http://127.0.0.1:5000
run: install compile-translations migrate
	$(BIN)/flask content sync
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## make test: the same set-up, then the whole suite (browser tests need /usr/bin/chromium)
test: install compile-translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make translations: extract UI strings, update the catalogue, fill it from
## translations/zh_Hant_HK/strings/*.yml (the Chinese texts live there), generate the Simplified
## catalogue from it, compile both
translations: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k N_ -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations
	$(BIN)/python tools/po_fill.py
	$(BIN)/python tools/simplified_catalogue.py
	$(BIN)/pybabel compile --statistics -d translations

## make check: every problem as path:line, then the summary. Rejected files (exit 1) are the
## answer, not a failure of make, so make adds no "Error 1" line; a check that could not run
## (exit 2) still fails. Cron and CI call `flask content check` itself for the real exit code.
check: install
	@$(BIN)/flask content check; status=$$?; [ $$status -ne 2 ] || exit 2

sync: install compile-translations migrate
	$(BIN)/flask content sync

## make migrate: create the database or upgrade it to the newest schema (flask db upgrade; adopts an old one)
migrate: install
	$(BIN)/flask db upgrade

## make preview: the site from your working copy on http://127.0.0.1:5001 (its own database in
## instance/preview/); each file you save is re-synced, and the open page reloads with its problems
preview: install compile-translations
	$(BIN)/flask content preview

lint: install
	$(BIN)/ruff check portal tests bench
	$(BIN)/ruff format --check portal tests bench tools wsgi.py

## make fuzz: the fuzz targets in tests/fuzz (feed parse + store, plain RSS against feedparser, front matter +
## article loader), each for FUZZ_SECONDS; not part of `make test`. A crash is listed with the shortest input
## that caused it.
FUZZ_SECONDS ?= 60
fuzz: install compile-translations
	PORTAL_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -q -s -p no:cacheprovider --timeout=0 tests/fuzz

bench: install compile-translations
	$(BIN)/python bench/run_all.py

## make screenshots: the first screen of home, an article, events, a self-check and the centre finder
## on a 390 x 844 phone, in both languages, into docs/screenshots/ (needs /usr/bin/chromium)
screenshots: install compile-translations
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) instance .pytest_cache
