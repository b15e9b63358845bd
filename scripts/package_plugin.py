"""Build the plugin zip that QGIS's "Install from ZIP" and plugins.qgis.org accept, or install it.

The zip holds one top folder, ``jin_plugin/``, with code, metadata, icons and the repository's
LICENSE only (no caches, no tests). It is then checked against the plugin repository's upload rules
(``plugin_validator.py``): any breach is printed with its fix and the build fails (exit status 1),
so a zip the site would reject is never installed or shipped. ``--install`` unpacks a zip that
passes into the default profile's python/plugins folder.
"""

from __future__ import annotations

import argparse
import configparser
import os
import shutil
import sys
import zipfile
from pathlib import Path

from plugin_validator import print_report, validate

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "jin_plugin"
LICENSE = ROOT / "LICENSE"
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".git", "__MACOSX"}
SKIP_SUFFIXES = {".pyc", ".pyo"}


def plugin_version() -> str:
    meta = configparser.ConfigParser()
    meta.read(PLUGIN / "metadata.txt", encoding="utf-8")
    return meta["general"]["version"]


def build(dist: Path = ROOT / "dist") -> Path:
    """Write ``dist/jin_plugin-<version>.zip`` (the only plugin zip left there) and return its path."""
    dist.mkdir(parents=True, exist_ok=True)
    for stale in dist.glob(f"{PLUGIN.name}-*.zip"):
        stale.unlink()
    target = dist / f"{PLUGIN.name}-{plugin_version()}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(PLUGIN.rglob("*")):
            rel = path.relative_to(PLUGIN.parent)
            if path.is_dir() or SKIP_DIRS & set(rel.parts) or path.suffix in SKIP_SUFFIXES:
                continue
            zf.write(path, rel.as_posix())
        if LICENSE.exists():                      # a missing LICENSE is the validator's to report
            zf.write(LICENSE, f"{PLUGIN.name}/LICENSE")
    return target


def default_plugins_dir() -> Path:
    """The default QGIS profile's plugin folder on this OS."""
    if os.name == "nt":
        base = Path(os.environ["APPDATA"]) / "QGIS" / "QGIS3"
    elif os.uname().sysname == "Darwin":
        base = Path.home() / "Library/Application Support/QGIS/QGIS3"
    else:
        base = Path.home() / ".local/share/QGIS/QGIS3"
    return base / "profiles" / "default" / "python" / "plugins"


def install(zip_path: Path, plugins_dir: Path) -> Path:
    """Replace any installed copy with the zip's contents."""
    plugins_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(plugins_dir / "jin_plugin", ignore_errors=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(plugins_dir)
    return plugins_dir / "jin_plugin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="also install into the QGIS profile")
    parser.add_argument("--plugins-dir", type=Path, default=None, help="override the QGIS plugins folder")
    parser.add_argument("--offline", action="store_true", help="do not try to reach tracker/repository/homepage")
    args = parser.parse_args()
    zip_path = build()
    print(f"plugin zip: {zip_path}")
    report = validate(zip_path, online=not args.offline)
    print_report(report, zip_path)
    if not report.ok:
        print("make package failed: fix each BREACH above, then run it again", file=sys.stderr)
        return 1
    if args.install:
        where = install(zip_path, args.plugins_dir or default_plugins_dir())
        print(f"installed into {where}: restart QGIS, then enable JiN in Plugins ▸ Manage and Install Plugins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
