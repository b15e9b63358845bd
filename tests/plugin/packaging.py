"""Test helper: build the plugin zip as `make package` does, and optionally install it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Optional

from tests.conftest import ROOT


def make_package(plugins_dir: Optional[Path] = None, root: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``scripts/package_plugin.py`` under ``root`` (offline: example.org links do not exist yet),
    installing into ``plugins_dir`` if given."""
    args = [sys.executable, str(root / "scripts/package_plugin.py"), "--offline"]
    if plugins_dir is not None:
        args += ["--install", "--plugins-dir", str(plugins_dir)]
    return subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=300)


def built_zip(root: Path = ROOT) -> Path:
    """The zip `make package` just wrote under ``root``."""
    zips = sorted((root / "dist").glob("jin_plugin-*.zip"))
    assert len(zips) == 1, zips
    return zips[0]
