#!/usr/bin/env bash
# One-shot environment set-up used by `make setup` (and so by `make demo` and `make test`).
# Installs Debian's QGIS when missing, then a venv that sees it, then the pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_pkgs=()
/usr/bin/python3 -c "import qgis.core" 2>/dev/null || apt_pkgs+=(python3-qgis qgis-providers)
/usr/bin/python3 -c "import venv, ensurepip" 2>/dev/null || apt_pkgs+=(python3-venv)
command -v pdftoppm >/dev/null || apt_pkgs+=(poppler-utils)
command -v qgis_process >/dev/null || apt_pkgs+=(qgis)       # qgis_process runs the jin: algorithms from scripts
command -v pylupdate5 >/dev/null || apt_pkgs+=(pyqt5-dev-tools)            # make translations, and its tests
command -v xvfb-run >/dev/null || apt_pkgs+=(xvfb xauth)                # make desktop-tour: QGIS on a virtual screen
# The hub web pages' libraries (package.json) and their tests' browser (Playwright drives Debian's
# chromium); JIN_SKIP_WEB=1 leaves both out (the QGIS chroots: the pages do not depend on QGIS).
if [ "${JIN_SKIP_WEB:-}" != 1 ]; then
  command -v npm >/dev/null || apt_pkgs+=(nodejs npm)
  command -v chromium >/dev/null || apt_pkgs+=(chromium)
fi
# PostgreSQL/PostGIS: the hub's second backend, which the tests run against a server of their own
if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  [ -n "$(apt-cache depends postgresql 2>/dev/null)" ] || $SUDO apt-get update -qq
  pg=$(apt-cache depends postgresql | grep -o 'postgresql-[0-9]\+' | head -1)
  apt_pkgs+=("$pg" "$pg-postgis-3")
fi
[ -x /usr/lib/qt5/bin/lrelease ] || command -v lrelease >/dev/null || apt_pkgs+=(qttools5-dev-tools)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${apt_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}"
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV (with QGIS's system site-packages)"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
# The venv keeps the system numpy's major version: Debian's QGIS and friends are compiled against it.
numpy_pin="$VENV/numpy-constraint.txt"
/usr/bin/python3 -c "import numpy; v = numpy.__version__; print(f'numpy>={v},<{int(v.split(\".\")[0]) + 1}')" >"$numpy_pin"
"$VENV/bin/python" -m pip install -q -r requirements.txt -c constraints.txt -c "$numpy_pin"
"$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
"$VENV/bin/python" - "$(cat "$numpy_pin")" <<'PY'
import sys
import numpy
from qgis.core import Qgis
wanted = sys.argv[1].split("<")[1]
assert int(numpy.__version__.split(".")[0]) < int(wanted), f"venv numpy {numpy.__version__} is not {sys.argv[1]}"
print(f"setup: QGIS {Qgis.version()}, Python {sys.version.split()[0]}, numpy {numpy.__version__}")
PY
if "$VENV/bin/python" -c "import sys; sys.exit(sys.version_info < (3, 12))"; then
  # QGIS's Qt6 migration script needs Python 3.12+ and PyQt6: its own venv, seeing QGIS for its enums.
  [ -x "$VENV-pyqt5to6/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV-pyqt5to6"
  "$VENV-pyqt5to6/bin/python" -m pip install -q -r requirements-pyqt5to6.txt
fi
# The hub web pages' browser libraries, installed from npm and served by the hub itself (never a CDN).
if [ "${JIN_SKIP_WEB:-}" != 1 ]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  vendor=jin_hub/web/static/vendor
  mkdir -p "$vendor"
  cp node_modules/maplibre-gl/dist/maplibre-gl.js node_modules/maplibre-gl/dist/maplibre-gl.css \
     node_modules/maplibre-gl/LICENSE.txt "$vendor"/
fi
echo "setup: ready ($VENV)"
