# JiN: the two commands are `make demo` (main job) and `make test` (whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
export QT_QPA_PLATFORM ?= offscreen
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: setup demo test test-postgres test-qgis matrix desktop-tour lint package install bench privacy boundaries translations clean

setup: $(VENV)/.setup-done

$(VENV)/.setup-done: requirements.txt requirements-pyqt5to6.txt constraints.txt pyproject.toml scripts/setup.sh \
                    package.json package-lock.json
	VENV=$(VENV) bash scripts/setup.sh
	touch $@

demo: setup
	$(PY) scripts/demo.py

test: setup
	$(PY) -m pytest -q $(if $(JIN_SKIP_WEB),--ignore=tests/web)

# The hub tests again with every hub on PostgreSQL/PostGIS (a server of the tests' own; tests/hub_locator.py).
test-postgres: setup
	JIN_TEST_DB=postgresql $(PY) -m pytest -q tests/hub

# The suite on another QGIS, in a Debian chroot cached under var/chroot (root; see README):
# QGIS=3.40 (LTR, trixie) or QGIS=newest (sid). `make matrix` runs both.
QGIS ?= 3.40
test-qgis:
	bash scripts/qgis_matrix.sh $(QGIS) test

matrix:
	bash scripts/qgis_matrix.sh 3.40 test
	bash scripts/qgis_matrix.sh newest test

# Desktop QGIS with the plugin on a 1366×768 virtual screen, driven as an analyst does: screenshots
# and the layout PDF in var/tour (after `make demo`). On QGIS 3.40: scripts/qgis_matrix.sh 3.40 demo desktop-tour
desktop-tour: setup
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) scripts/desktop_tour.py var/tour

lint: setup
	$(VENV)/bin/ruff check .

package: setup translations
	$(PY) scripts/package_plugin.py

install: package
	$(PY) scripts/package_plugin.py --install

bench: setup
	$(PY) -m bench

privacy: setup
	$(PY) scripts/privacy_attack.py

boundaries: setup
	$(PY) scripts/extract_boundaries.py

translations:                       # jin_plugin/i18n: the .ts template (pylupdate5) and the .qm files (lrelease)
	bash scripts/translations.sh

clean:
	rm -rf build dist var .pytest_cache
