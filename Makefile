# convfig — every target bootstraps .venv by itself (stamp keyed on pyproject.toml).
PY      := .venv/bin/python
STAMP   := .venv/.stamp-$(shell sha256sum pyproject.toml | cut -c1-16)

.PHONY: venv test lint site serve bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f .venv/.stamp-*
	touch $@

lint: $(STAMP)
	.venv/bin/ruff check .

test: $(STAMP)
	.venv/bin/ruff check .
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf site site-offline site-offline.zip .cache
