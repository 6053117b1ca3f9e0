# convfig — every target bootstraps .venv by itself (stamp keyed on pyproject.toml).
PY      := .venv/bin/python
STAMP   := .venv/.stamp-$(shell sha256sum pyproject.toml | cut -c1-16)

.PHONY: venv test lint typecheck site serve bench floors clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f .venv/.stamp-*
	touch $@

lint: $(STAMP)
	.venv/bin/ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

# ruff, mypy (files: [tool.mypy] in pyproject.toml), then pytest (docstring examples run in tests/test_doctests.py)
test: $(STAMP)
	.venv/bin/ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

# the site: site/ (Pages), site-offline/ (file://, no network) and its zip. Figures come from .cache/convfig.
# The slide pack (GIF + MP4 at 1920x1080 of every animation) is built apart, after the pages, into the cache
# and site/; the offline build links it from the cache (mkdocs.yml: slide_pack: separate).
MKDOCS  := DISABLE_MKDOCS_2_WARNING=true NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs

site: $(STAMP)
	$(MKDOCS) build --strict --site-dir site
	mkdir -p site/downloads && $(PY) -m convfig slide-pack --docs docs -o site/downloads/convfig-slide-pack.zip
	CONVFIG_OFFLINE=true $(MKDOCS) build --strict --site-dir site-offline
	rm -f site-offline.zip
	$(PY) -m zipfile -c site-offline.zip site-offline/

serve: $(STAMP)
	$(MKDOCS) serve

bench: $(STAMP)
	$(PY) bench/run.py

# the engine tests with the oldest numpy/matplotlib/pillow/tqdm pyproject.toml allows, in a throwaway venv
floors:
	python3 bench/floors.py

clean:
	rm -rf site site-offline site-offline.zip .cache
