"""The plugin zip passes the plugins.qgis.org upload rules, and a zip breaking any one of them fails
with that rule named, so a lax check cannot let through a zip the site would reject."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional

import pytest

from scripts.plugin_validator import validate
from tests.conftest import ROOT
from tests.plugin.packaging import built_zip, make_package

META = "jin_plugin/metadata.txt"


@pytest.fixture(scope="module")
def good_zip(tmp_path_factory) -> Path:
    run = make_package()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "passes the plugins.qgis.org rules" in run.stdout
    return Path(shutil.copy(built_zip(), tmp_path_factory.mktemp("good")))


def variant(good: Path, out: Path, drop: tuple[str, ...] = (), add: Optional[dict[str, bytes]] = None,
            meta: Optional[Callable[[str], str]] = None, top: Optional[str] = None) -> Path:
    """A copy of the good zip with entries dropped or added, metadata.txt edited, or the top folder
    renamed (``top=""`` puts the files at the zip's top)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name in drop:
                continue
            data = src.read(name)
            if meta and name == META:
                data = meta(data.decode("utf-8")).encode("utf-8")
            if top is not None:
                name = f"{top}/{name.split('/', 1)[1]}" if top else name.split("/", 1)[1]
            dst.writestr(name, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out


def edit(key: str, value: Optional[str]) -> Callable[[str], str]:
    """Set ``key`` in metadata.txt to ``value`` (None: remove the key)."""
    line = re.compile(rf"^{key}=.*$", re.MULTILINE)
    return lambda text: line.sub("" if value is None else f"{key}={value}", text)


def test_built_zip_passes_with_licence_and_processing(good_zip):
    report = validate(good_zip, online=False)
    assert report.ok, [str(f) for f in report.errors]
    assert {f.rule for f in report.warnings} == {"url-reachable"}          # example.org links: not yet live
    names = zipfile.ZipFile(good_zip).namelist()
    assert zipfile.ZipFile(good_zip).read("jin_plugin/LICENSE") == (ROOT / "LICENSE").read_bytes()
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text() and "Version 2, June 1991" in (
        ROOT / "LICENSE").read_text()
    assert not [n for n in names if "__pycache__" in n or ".pyc" in n or "/tests/" in n]
    meta = report.metadata
    assert meta["version"] == "0.2.0" and meta["hasProcessingProvider"] == "yes" and meta["supportsQt6"] == "True"
    assert good_zip.name == "jin_plugin-0.2.0.zip"


def test_changelog_groups_items_under_each_version():
    meta = configparser.ConfigParser()
    meta.read(ROOT / META, encoding="utf-8")
    sections: dict[str, list[str]] = {}
    for line in meta["general"]["changelog"].strip().splitlines():
        if re.fullmatch(r"\d+\.\d+\.\d+", line.strip()):
            current = sections.setdefault(line.strip(), [])
        else:
            assert line.strip().startswith("- "), line
            current.append(line.strip())
    assert list(sections) == ["0.2.0", "0.1.0"] and len(sections["0.1.0"]) == 8
    news = " ".join(sections["0.2.0"])
    for item in ("cell-key", "protection intervals", "LP", "audit log", "one writer", "throttling", "quarantined",
                 "--cutoff", "QGIS 3.40 LTR and 3.44", "QGIS 4 (Qt6)", "qgis_process", "jin:", "GPL-2.0-or-later"):
        assert item in news, item


BREACHES = {
    "no LICENSE": ({"drop": ("jin_plugin/LICENSE",)}, {"license"}),
    "bad version": ({"meta": lambda t: t.replace("0.2.0", "v0.2-beta")}, {"version", "changelog"}),
    "version not yet in changelog": ({"meta": edit("version", "0.3.0")}, {"changelog"}),
    "missing email": ({"meta": edit("email", None)}, {"required-metadata"}),
    "empty tracker": ({"meta": edit("tracker", "")}, {"required-metadata"}),
    "missing about": ({"meta": edit("about", None)}, {"required-metadata"}),
    "pyc inside": ({"add": {"jin_plugin/plugin.cpython-311.pyc": b"\x00"}}, {"pyc"}),
    "__pycache__ inside": ({"add": {"jin_plugin/core/__pycache__/x.py": b""}}, {"forbidden-dir"}),
    ".git inside": ({"add": {"jin_plugin/.git/config": b""}}, {"forbidden-dir"}),
    "__MACOSX beside": ({"add": {"__MACOSX/jin_plugin/._plugin.py": b""}}, {"forbidden-dir", "top-folder"}),
    "two top folders": ({"add": {"helper_plugin/__init__.py": b""}}, {"top-folder"}),
    "no top folder": ({"top": ""}, {"top-folder"}),
    "path information": ({"add": {"jin_plugin/../evil.py": b""}}, {"path"}),
    "package name with a capital": ({"top": "JinPlugin"}, {"package-name"}),
    "package name with a digit first": ({"top": "2jin"}, {"package-name"}),
    "no __init__.py": ({"drop": ("jin_plugin/__init__.py",)}, {"init"}),
    "no metadata.txt": ({"drop": (META,)}, {"metadata"}),
    "no [general]": ({"meta": lambda t: t.replace("[general]", "[plugin]")}, {"metadata"}),
    "single percent sign": ({"meta": edit("description", "100% JiN")}, {"metadata"}),
    "icon not shipped": ({"drop": ("jin_plugin/icons/jin.svg",)}, {"icon"}),
    "no icon key": ({"meta": edit("icon", None)}, {"icon"}),
    "processing provider not declared": ({"meta": edit("hasProcessingProvider", "no")}, {"processing-provider"}),
    "experimental=yes": ({"meta": edit("experimental", "yes")}, {"boolean"}),
    "supportsQt6=yes": ({"meta": edit("supportsQt6", "yes")}, {"boolean"}),
    "qgis version with words": ({"meta": edit("qgisMinimumVersion", "3.22 LTR")}, {"qgis-version"}),
    "maximum below minimum": ({"meta": edit("qgisMaximumVersion", "3.16")}, {"qgis-version"}),
    "author with a slash": ({"meta": edit("author", "JiN / partners")}, {"author"}),
    "email without @": ({"meta": edit("email", "jin-team")}, {"email"}),
    "placeholder tracker": ({"meta": edit("tracker", "http://bugs")}, {"url"}),
    "url without host": ({"meta": edit("repository", "https:///jin")}, {"url"}),
    "url with a bad scheme": ({"meta": edit("homepage", "ftp://example.org/jin")}, {"url"}),
}


@pytest.mark.parametrize("case", BREACHES, ids=list(BREACHES))
def test_each_breach_fails_with_its_rule(case, good_zip, tmp_path):
    changes, rules = BREACHES[case]
    report = validate(variant(good_zip, tmp_path / "bad.zip", **changes), online=False)
    assert report.rules() == rules, [str(f) for f in report.errors]
    assert all(f.problem and f.fix for f in report.errors)


def test_oversized_and_damaged_zips_fail(good_zip, tmp_path):
    import os

    big = variant(good_zip, tmp_path / "big.zip", add={"jin_plugin/resources/big.bin": os.urandom(25_000_001)})
    assert validate(big, online=False).rules() == {"size"}
    marker = b"JiN-CRC-probe " * 80
    damaged = variant(good_zip, tmp_path / "crc.zip", add={"jin_plugin/probe.txt": marker})   # stored, not deflated
    data = damaged.read_bytes()
    damaged.write_bytes(data.replace(marker, marker.replace(b"probe", b"PROBE"), 1))
    assert validate(damaged, online=False).rules() == {"crc"}
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("not a zip")
    assert validate(not_zip, online=False).rules() == {"zip"}


def test_validator_cli_names_each_breach_and_its_fix(good_zip, tmp_path):
    bad = variant(good_zip, tmp_path / "bad.zip", drop=("jin_plugin/LICENSE",),
                  add={"jin_plugin/x.pyc": b""}, meta=edit("version", "0.2.0rc1"))
    run = subprocess.run([sys.executable, "scripts/plugin_validator.py", str(bad), "--offline"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 1
    for rule in ("license", "pyc", "version", "changelog"):
        line = next(line for line in run.stdout.splitlines() if line.startswith(f"BREACH [{rule}]"))
        assert " Fix: " in line
    good = subprocess.run([sys.executable, "scripts/plugin_validator.py", str(good_zip), "--offline"], cwd=ROOT,
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout


def test_make_package_fails_on_a_breach_and_installs_nothing(tmp_path):
    """`make package` on a tree without LICENSE and with hasProcessingProvider=no exits 1 naming both."""
    tree = tmp_path / "repo"
    (tree / "scripts").mkdir(parents=True)
    for script in ("package_plugin.py", "plugin_validator.py"):
        shutil.copy(ROOT / "scripts" / script, tree / "scripts")
    shutil.copytree(ROOT / "jin_plugin", tree / "jin_plugin", ignore=shutil.ignore_patterns("__pycache__"))
    meta = tree / META
    meta.write_text(edit("hasProcessingProvider", "no")(meta.read_text(encoding="utf-8")), encoding="utf-8")
    run = make_package(tmp_path / "plugins", root=tree)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BREACH [license]" in run.stdout and "BREACH [processing-provider]" in run.stdout
    assert "make package failed" in run.stderr
    assert not (tmp_path / "plugins").exists()
    shutil.copy(ROOT / "LICENSE", tree / "LICENSE")
    meta.write_text(edit("hasProcessingProvider", "yes")(meta.read_text(encoding="utf-8")), encoding="utf-8")
    run = make_package(tmp_path / "plugins", root=tree)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "plugins/jin_plugin/LICENSE").exists() and (tmp_path / "plugins/jin_plugin/plugin.py").exists()


class _Links(BaseHTTPRequestHandler):
    """A web server with one live page (/live); everything else is 404."""

    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/live" else 404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_unreachable_links_only_warn(good_zip, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        links = variant(good_zip, tmp_path / "links.zip", meta=lambda t: edit("homepage", f"{base}/gone")(
            edit("tracker", f"{base}/live")(edit("repository", "http://127.0.0.1:9/nothing-listens")(t))))
        report = validate(links, online=True, timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert report.ok, [str(f) for f in report.errors]
    warned = {f.problem.split("=")[0]: f.problem for f in report.warnings}
    assert set(warned) == {"homepage", "repository"} and "HTTP 404" in warned["homepage"]
