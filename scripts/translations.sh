#!/usr/bin/env bash
# `make translations`: refresh the plugin's Qt translation sources and compile them.
# pylupdate5 (Debian pyqt5-dev-tools) collects every tr("…") / QT_TR_NOOP("…") in jin_plugin/ into
# jin_plugin/i18n/jin_en.ts (the template translators copy to jin_<lang>.ts) and updates every other
# jin_*.ts there; lrelease (qttools5-dev-tools) compiles each into the .qm the plugin loads.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
lrelease_bin() { for b in /usr/lib/qt5/bin/lrelease "$(command -v lrelease || true)"; do [ -x "$b" ] && { echo "$b"; return; }; done; }

apt_pkgs=()
command -v pylupdate5 >/dev/null || apt_pkgs+=(pyqt5-dev-tools)
[ -n "$(lrelease_bin)" ] || apt_pkgs+=(qttools5-dev-tools)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  echo "translations: installing Debian packages: ${apt_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}"
fi

DIR=jin_plugin/i18n
mkdir -p "$DIR"
mapfile -t sources < <(find jin_plugin -name '*.py' -not -path '*/__pycache__/*' | sort)
shopt -s nullglob
targets=("$DIR/jin_en.ts")                                  # the template, made if missing
for ts in "$DIR"/jin_*.ts; do [ "$ts" = "$DIR/jin_en.ts" ] || targets+=("$ts"); done
pylupdate5 -noobsolete "${sources[@]}" -ts "${targets[@]}" 2>/dev/null
"$(lrelease_bin)" -silent "$DIR"/jin_*.ts
echo "translations: $(grep -c '<source>' "$DIR/jin_en.ts") strings in $DIR/jin_en.ts; compiled: $(cd "$DIR" && ls ./*.qm | xargs)"
