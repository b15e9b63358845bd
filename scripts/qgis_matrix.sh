#!/usr/bin/env bash
# Run JiN's suite (or any make target) on another QGIS, in a Debian chroot cached under var/chroot/.
#
#   scripts/qgis_matrix.sh 3.40            # QGIS 3.40 LTR (Debian trixie): make test
#   scripts/qgis_matrix.sh newest demo     # newest Debian QGIS (sid): make demo
#   scripts/qgis_matrix.sh 3.40 --build    # only build (or refresh) the chroot
#
# The chroot is built once with debootstrap and takes this machine's apt sources, apt settings,
# pip configuration and CA certificates at every run, so it works behind the same proxy and
# mirror as the host. The checkout is cloned in fresh (with uncommitted changes on top), so
# nothing in it is shared with the host's venv or settings. Needs root (chroot, mount).
set -euo pipefail
{  # read whole before running: editing this file during a run cannot change the run
cd "$(dirname "$0")/.."
REPO=$PWD

usage() { echo "usage: $0 {3.40|trixie|newest|sid} [--build | make-target...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
case "$1" in
  3.40|trixie) SUITE=trixie ;;
  newest|sid) SUITE=sid ;;
  *) usage ;;
esac
shift
TARGETS=("${@:-test}")
[ "$(id -u)" -eq 0 ] || { echo "qgis_matrix: needs root (debootstrap, chroot, mount); run with sudo" >&2; exit 2; }

CHROOT=$REPO/var/chroot/$SUITE
PIP_CACHE=$REPO/var/cache/pip-$SUITE
PACKAGES="python3-qgis qgis-providers qgis python3-venv python3-pip make git poppler-utils ca-certificates locales-all xvfb xauth postgresql"

host_sources() {
  # Print "URI SUITE" for every deb line of the host (one-line and deb822 formats).
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i+1) }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && awk '
      /^[ \t]*$/ { if (u != "" && t ~ /deb( |$)/) { split(s, a, " "); for (k in a) print u, a[k] } u = s = t = ""; next }
      /^Types:/ { t = $0 } /^URIs:/ { u = $2 } /^Suites:/ { $1 = ""; s = $0 }
      END { if (u != "" && t ~ /deb( |$)/) { split(s, a, " "); for (k in a) print u, a[k] } }' "$f"
  done
}

HOST_CODENAME=$(. /etc/os-release && echo "$VERSION_CODENAME")
MIRROR=$(host_sources | awk -v c="$HOST_CODENAME" '$2 == c { print $1; exit }')
SECURITY=$(host_sources | awk -v c="$HOST_CODENAME-security" '$2 == c { print $1; exit }')
[ -n "$MIRROR" ] || { echo "qgis_matrix: no Debian mirror for '$HOST_CODENAME' in the host's apt sources" >&2; exit 2; }

mounted=()
cleanup() {
  local m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    m=${mounted[i]}
    umount -R "$m" 2>/dev/null || umount -lR "$m" 2>/dev/null || true
  done
}
trap cleanup EXIT
mount_in() {  # mount_in TARGET mount-args...
  local target=$1; shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted+=("$target")
}

mount_dev() {  # mount_dev TARGET: a /dev of its own holding the host's few devices the suite uses
  # Each device is bound alone, never the host's /dev as a whole: deleting the chroot while a run
  # is up (or after one was killed before it unmounted) cannot reach the host's devices, as a
  # bound device is busy, not removable (an rbind of /dev once let rm -rf empty the host's).
  local dev=$1 d
  mount_in "$dev" -t tmpfs -o mode=755,nosuid jin-dev
  for d in null zero full random urandom tty; do
    : >"$dev/$d"
    mount --bind "/dev/$d" "$dev/$d"
  done
  mkdir -p "$dev/pts" "$dev/shm"
  mount --bind /dev/pts "$dev/pts"
  mount -t tmpfs -o mode=1777,nosuid,nodev shm "$dev/shm"
  ln -s pts/ptmx "$dev/ptmx"
  ln -s /proc/self/fd "$dev/fd"
  ln -s /proc/self/fd/0 "$dev/stdin"; ln -s /proc/self/fd/1 "$dev/stdout"; ln -s /proc/self/fd/2 "$dev/stderr"
}

sync_host_config() {
  # Host apt sources/settings, pip configuration, CA certificates and DNS, read afresh each run.
  local root=$1
  mkdir -p "$root/etc/apt/apt.conf.d" "$root/etc/ssl/certs" "$root/usr/local/share/ca-certificates"
  rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
  {
    echo "Types: deb"; echo "URIs: $MIRROR"; echo "Components: main"
    if [ "$SUITE" = sid ]; then echo "Suites: sid"; else echo "Suites: $SUITE $SUITE-updates"; fi
    if [ -n "$SECURITY" ] && [ "$SUITE" != sid ]; then
      echo; echo "Types: deb"; echo "URIs: $SECURITY"; echo "Suites: $SUITE-security"; echo "Components: main"
    fi
  } >"$root/etc/apt/sources.list.d/debian.sources"
  cp /etc/apt/apt.conf.d/* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
  [ -f /etc/apt/apt.conf ] && cp /etc/apt/apt.conf "$root/etc/apt/apt.conf"
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  [ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
  if [ -d /etc/xdg/pip ]; then mkdir -p "$root/etc/xdg"; rm -rf "$root/etc/xdg/pip"; cp -a /etc/xdg/pip "$root/etc/xdg/pip"; fi
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  cp /etc/hosts "$root/etc/hosts"
}

build_chroot() {
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
  local tmp=$CHROOT.building
  rm -rf "$tmp"
  mkdir -p "$(dirname "$CHROOT")"
  echo "qgis_matrix: debootstrap $SUITE from $MIRROR (a few minutes, once)"
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$tmp" "$MIRROR" >"$REPO/var/chroot/$SUITE-debootstrap.log" 2>&1 \
    || { tail -20 "$REPO/var/chroot/$SUITE-debootstrap.log" >&2; echo "qgis_matrix: debootstrap failed (log: var/chroot/$SUITE-debootstrap.log)" >&2; exit 1; }
  rm -rf "$CHROOT"
  mv "$tmp" "$CHROOT"
}

[ -x "$CHROOT/usr/bin/env" ] || build_chroot
sync_host_config "$CHROOT"
mount_in "$CHROOT/proc" -t proc proc
mount_in "$CHROOT/sys" -t sysfs sys
mount_dev "$CHROOT/dev"
mkdir -p "$PIP_CACHE"
mount_in "$CHROOT/work/pip-cache" --bind "$PIP_CACHE"

in_chroot() {
  local pass=() v
  for v in $(compgen -e | grep -E '^(PIP_|http_proxy|https_proxy|no_proxy|HTTP_PROXY|HTTPS_PROXY|NO_PROXY|CI$)' || true); do
    case ${!v} in /*) [ -e "$CHROOT${!v}" ] || continue ;; esac   # a host-only folder (find-links)
    pass+=("$v=${!v}")
  done
  chroot "$CHROOT" /usr/bin/env -i HOME=/work/home LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive QT_QPA_PLATFORM=offscreen PIP_CACHE_DIR=/work/pip-cache JIN_SKIP_WEB=1 \
    "${pass[@]}" "$@"
}

if [ ! -f "$CHROOT/.jin-packages" ] || [ "$(cat "$CHROOT/.jin-packages")" != "$PACKAGES" ]; then
  echo "qgis_matrix: installing Debian's QGIS in the $SUITE chroot"
  # Services never start in the chroot (PostgreSQL's packaged cluster would otherwise run on).
  printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"
  chmod +x "$CHROOT/usr/sbin/policy-rc.d"
  in_chroot apt-get update -qq
  in_chroot apt-get install -y -qq --no-install-recommends $PACKAGES >"$REPO/var/chroot/$SUITE-apt.log" 2>&1 \
    || { tail -20 "$REPO/var/chroot/$SUITE-apt.log" >&2; echo "qgis_matrix: apt-get install failed (log: var/chroot/$SUITE-apt.log)" >&2; exit 1; }
  # PostGIS for the suite's PostgreSQL, the hub's second backend (the tests start servers of their own)
  pg=$(in_chroot apt-cache depends postgresql | grep -o 'postgresql-[0-9]\+' | head -1)
  in_chroot apt-get install -y -qq --no-install-recommends "$pg-postgis-3" >>"$REPO/var/chroot/$SUITE-apt.log" 2>&1 \
    || { tail -20 "$REPO/var/chroot/$SUITE-apt.log" >&2; echo "qgis_matrix: installing PostgreSQL failed" >&2; exit 1; }
  echo "$PACKAGES" >"$CHROOT/.jin-packages"
fi
echo "qgis_matrix: $SUITE has $(in_chroot python3 -c 'from qgis.core import Qgis; import sys, numpy; print("QGIS", Qgis.version(), "Python", sys.version.split()[0], "numpy", numpy.__version__)' 2>/dev/null)"
[ "${TARGETS[0]}" = --build ] && exit 0

# A fresh clone of this checkout, with its uncommitted changes on top.
WORK=$CHROOT/work
rm -rf "$WORK/jin" "$WORK/home"          # a fresh home too: no QGIS profile or auth database from before
mkdir -p "$WORK/home"
git clone -q "$REPO" "$WORK/jin"
git ls-files -z --cached --others --exclude-standard --modified | sort -zu |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$WORK/jin"
if [ -d "$REPO/../shared" ]; then mount_in "$WORK/shared" --bind -o ro "$REPO/../shared"; fi

echo "qgis_matrix: make ${TARGETS[*]} on $SUITE"
set +e
in_chroot bash -c "cd /work/jin && make VENV=/work/venv ${TARGETS[*]}"
rc=$?
set -e
echo "qgis_matrix: make ${TARGETS[*]} on $SUITE exited $rc"
exit $rc
}
