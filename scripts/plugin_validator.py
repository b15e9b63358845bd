"""Check a plugin zip against the rules plugins.qgis.org applies on upload, before we upload it.

The rules restate those of the official repository's validator (qgis/QGIS-Django,
``qgis-app/plugins/validator.py``, and the version fields of its models), so a zip that passes here
is not rejected there. Each breach names its rule and its fix. Where the site only warns or quietly
repairs, this module is stricter, as QGIS's own installer trips on those too: two top folders, an
empty required key, a flag that reads as neither true nor false (``yes`` is silently *false* there),
a missing icon. Two rules are the project's own: the changelog starts with the version being
published, and a plugin with ``initProcessing`` declares ``hasProcessingProvider`` (else
``qgis_process`` never sees its algorithms). The site refuses tracker/repository/homepage URLs it
cannot reach; that is only a warning here, as they may not exist yet when the zip is built.

Run ``python scripts/plugin_validator.py <zip> [--offline]``: exit status 1 on any breach.
"""

from __future__ import annotations

import argparse
import configparser
import re
import sys
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

MAX_SIZE = 25_000_000                      # bytes: the site's PLUGIN_MAX_UPLOAD_SIZE
REQUIRED = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker",
            "repository")
FLAGS = ("experimental", "deprecated", "server", "supportsQt6")     # read as true only when "true" or "1"
FLAG_VALUES = {"true", "false", "1", "0"}
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
URL_KEYS = {"tracker": "http://bugs", "repository": "http://repo", "homepage": "http://homepage"}  # and placeholders
VERSION = re.compile(r"^\d+(\.\d+){0,3}$")            # the site sorts versions as up to four dotted numbers
QGIS_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]+$")
PACKAGE_NAME_NEW = re.compile(r"^[a-z_][a-z0-9_]*$")  # PEP 8, required of plugins new to the site
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
METADATA_DOCS = "https://docs.qgis.org/latest/en/docs/pyqgis_developer_cookbook/plugins/plugins.html#metadata-txt"


@dataclass(frozen=True)
class Finding:
    """One breach (or warning): the rule it breaks, what is wrong, and how to put it right."""

    rule: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.problem} Fix: {self.fix}"


@dataclass
class Report:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def rules(self) -> set[str]:
        """The rules broken (not those only warned about)."""
        return {f.rule for f in self.errors}

    def error(self, rule: str, problem: str, fix: str) -> None:
        self.errors.append(Finding(rule, problem, fix))


def _listed(names: list[str], most: int = 5) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def check_entries(names: list[str], report: Report) -> None:
    """No path tricks, compiled Python or VCS/OS/cache folders in the archive."""
    unsafe = [n for n in names if ".." in n or n.startswith(("/", "\\"))]
    if unsafe:
        report.error("path", f"entries with path information: {_listed(unsafe)}.",
                     "zip the plugin folder itself, with relative paths and no '..'.")
    compiled = [n for n in names if ".pyc" in n]
    if compiled:
        report.error("pyc", f"compiled Python in the zip: {_listed(compiled)}.",
                     "leave out *.pyc files (PYTHONDONTWRITEBYTECODE=1, or skip them when zipping).")
    for folder in FORBIDDEN_DIRS:
        found = [n for n in names if folder in n.split("/")]
        if found:
            report.error("forbidden-dir", f"a '{folder}' folder is in the zip: {_listed(found)}.",
                         f"leave '{folder}' out of the zip.")


def top_folder(names: list[str], report: Report) -> Optional[str]:
    """The plugin's folder: the zip must hold exactly one at its top, named as the site requires."""
    tops = sorted({n.split("/")[0] for n in names})
    if "/" not in names[0]:
        report.error("top-folder", f"the zip starts with '{names[0]}', not with a folder.",
                     "zip the plugin folder, not the files inside it.")
        return None
    if len(tops) > 1:
        report.error("top-folder", f"{len(tops)} entries at the top of the zip: {_listed(tops)}.",
                     "the zip holds one folder (the plugin's package) and nothing beside it.")
    package = names[0].split("/")[0]
    if not PACKAGE_NAME.match(package):
        report.error("package-name", f"the top folder '{package}' is not a valid package name.",
                     "start it with an ASCII letter and use only ASCII letters, digits, '-' and '_'.")
    elif not PACKAGE_NAME_NEW.match(package):
        report.error("package-name", f"the top folder '{package}' is not PEP 8 (required of new plugins).",
                     "use lowercase letters, digits and '_', starting with a letter or '_'.")
    return package


def read_metadata(archive: zipfile.ZipFile, package: str, report: Report) -> Optional[dict[str, str]]:
    """``metadata.txt``'s [general] section, parsed as the site parses it ('%' must be doubled)."""
    names = set(archive.namelist())
    if f"{package}/__init__.py" not in names:
        report.error("init", f"no {package}/__init__.py.", "the plugin folder needs an __init__.py with classFactory.")
    path = f"{package}/metadata.txt"
    if path not in names:
        report.error("metadata", f"no {path}.", f"add metadata.txt to the plugin folder (see {METADATA_DOCS}).")
        return None
    parser = configparser.ConfigParser()
    parser.optionxform = str                     # keys are case-sensitive (qgisMinimumVersion)
    try:
        parser.read_string(archive.read(path).decode("utf-8"))
        if not parser.has_section("general"):
            report.error("metadata", f"{path} has no [general] section.", "put every key under [general].")
            return None
        return dict(parser.items("general"))
    except (UnicodeDecodeError, configparser.Error) as exc:
        report.error("metadata", f"{path} cannot be read: {exc}".replace("\n", " "),
                     "save it as UTF-8 INI, write a literal '%' as '%%', and indent continuation lines.")
        return None


def check_required(meta: dict[str, str], report: Report) -> None:
    missing = [key for key in REQUIRED if not meta.get(key, "").strip()]
    if missing:
        report.error("required-metadata", f"metadata.txt lacks (or leaves empty): {', '.join(missing)}.",
                     f"add each key under [general] (see {METADATA_DOCS}).")


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def check_versions(meta: dict[str, str], report: Report) -> None:
    """The plugin's version as the site stores and sorts it, and a sane QGIS version range."""
    version = meta.get("version", "").strip()
    if version and (not VERSION.match(version) or len(version) > 32):
        report.error("version", f"version '{version}' is not dotted numbers.",
                     "use one to four numbers separated by dots, e.g. 0.2.0 (no 'v', words or suffixes).")
    low, high = meta.get("qgisMinimumVersion", "").strip(), meta.get("qgisMaximumVersion", "").strip()
    for key, value in (("qgisMinimumVersion", low), ("qgisMaximumVersion", high)):
        if value and not QGIS_VERSION.match(value):
            report.error("qgis-version", f"{key} '{value}' is not a QGIS version.", f"write {key} as x.y, e.g. 3.22.")
    if QGIS_VERSION.match(low) and _version_key(low) < (1, 8):
        report.error("qgis-version", f"qgisMinimumVersion {low} is below 1.8, for which the site wants the metadata "
                     "in __init__.py too.", "set qgisMinimumVersion to the oldest QGIS you test on (3.22 or later).")
    if QGIS_VERSION.match(low) and QGIS_VERSION.match(high) and _version_key(high) < _version_key(low):
        report.error("qgis-version", f"qgisMaximumVersion {high} is below qgisMinimumVersion {low}.",
                     "set qgisMaximumVersion at or above the minimum (4.99 covers QGIS 4).")


def check_people(meta: dict[str, str], report: Report) -> None:
    author, email = meta.get("author", ""), meta.get("email", "").strip()
    if "/" in author:
        report.error("author", f"author '{author}' contains a slash.", "write the author's name without '/'.")
    if email and not EMAIL.match(email):
        report.error("email", f"email '{email}' is not an e-mail address.", "give an address the site can write to.")


def check_flags(meta: dict[str, str], names: list[str], archive: zipfile.ZipFile, package: str,
                report: Report) -> None:
    """Booleans say true or false; a plugin with a Processing provider declares it."""
    for key in FLAGS:
        value = meta.get(key)
        if value is not None and value.strip().lower() not in FLAG_VALUES:
            report.error("boolean", f"{key}={value} reads as false on the site.", f"write {key}=True or {key}=False.")
    flag = meta.get("hasProcessingProvider", "no").strip().lower()
    if flag not in {"yes", "no", "true", "false"}:
        report.error("processing-provider", f"hasProcessingProvider={flag} is neither yes nor no.",
                     "write hasProcessingProvider=yes or hasProcessingProvider=no.")
    elif flag in {"no", "false"}:
        sources = [n for n in names if n.startswith(f"{package}/") and n.endswith(".py")]
        if any(b"def initProcessing" in archive.read(n) for n in sources):
            report.error("processing-provider", "the plugin has initProcessing() but hasProcessingProvider is "
                         f"'{flag}', so qgis_process never loads its algorithms.", "write hasProcessingProvider=yes.")


def check_icon(meta: dict[str, str], names: list[str], package: str, report: Report) -> None:
    icon = meta.get("icon", "").strip()
    path = f"{package}/{icon.removeprefix('./')}" if icon else ""
    if not icon or path not in names:
        report.error("icon", f"icon '{icon}' is not in the zip." if icon else "no icon in metadata.txt.",
                     "set icon= to a PNG or SVG path inside the plugin folder and ship that file.")


def check_license(names: list[str], package: str, report: Report) -> None:
    if f"{package}/LICENSE" not in names:
        report.error("license", f"no {package}/LICENSE (required since June 2024).",
                     "ship the licence text as LICENSE (no extension) in the plugin folder.")


def check_changelog(meta: dict[str, str], report: Report) -> None:
    """One header line per version, newest first, each followed by its items; the newest is this version."""
    lines = [line.strip() for line in meta.get("changelog", "").splitlines() if line.strip()]
    headers = [i for i, line in enumerate(lines) if VERSION.match(line)]
    version = meta.get("version", "").strip()
    fix = f"start changelog= with a line '{version}' followed by '- item' lines, then older versions the same way."
    if not headers or headers[0] != 0 or lines[0] != version:
        report.error("changelog", f"the changelog does not start with this version ({version}).", fix)
        return
    empty = [lines[i] for i, j in zip(headers, [*headers[1:], len(lines)]) if j == i + 1]
    keys = [_version_key(lines[i]) for i in headers]
    if empty:
        report.error("changelog", f"versions without items in the changelog: {', '.join(empty)}.", fix)
    if keys != sorted(keys, reverse=True) or len(set(keys)) != len(keys):
        report.error("changelog", "changelog versions are not newest first, each once.", fix)


def _unreachable(url: str, timeout: float) -> Optional[str]:
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "Mozilla/5.0 (JiN plugin check)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return None if reply.status < 400 else f"HTTP {reply.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))


def check_urls(meta: dict[str, str], report: Report, online: bool, timeout: float) -> None:
    """Well-formed, non-placeholder links (a breach); reachable ones (a warning only)."""
    urls = {}
    for key, placeholder in URL_KEYS.items():
        url = meta.get(key, "").strip()
        if not url:
            continue                                  # a missing tracker/repository is a required-metadata breach
        scheme, _, rest = url.partition("://")
        if url.rstrip("/") == placeholder or scheme not in {"http", "https"} or not rest.split("/")[0]:
            report.error("url", f"{key}={url} is not a valid link.", f"give {key} a full http(s):// address.")
        else:
            urls[key] = url
    if not online:
        if urls:
            report.warnings.append(Finding("url-reachable", f"not checked (offline): {', '.join(urls)}.",
                                           "run without --offline before uploading; the site refuses dead links."))
        return
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = dict(zip(urls, pool.map(lambda u: _unreachable(u, timeout), urls.values())))
    for key, why in answers.items():
        if why:
            report.warnings.append(Finding("url-reachable", f"{key}={urls[key]} cannot be reached ({why}).",
                                           f"publish {key} before uploading: plugins.qgis.org refuses dead links."))


def validate(zip_path: Path, online: bool = True, timeout: float = 5.0) -> Report:
    """Every rule against the zip at ``zip_path`` (``online``: also try to reach its URLs)."""
    report = Report()
    if zip_path.stat().st_size > MAX_SIZE:
        report.error("size", f"the zip is {zip_path.stat().st_size / 1e6:.1f} MB.",
                     f"keep it under {MAX_SIZE / 1e6:.0f} MB (leave out data the plugin can download).")
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        report.error("zip", f"not a zip file ({exc}).", "build it with `make package`.")
        return report
    with archive:
        names = archive.namelist()
        if not names:
            report.error("zip", "the zip is empty.", "build it with `make package`.")
            return report
        check_entries(names, report)
        bad = archive.testzip()
        if bad:
            report.error("crc", f"{bad} is damaged in the zip (CRC error).", "build the zip again.")
        package = top_folder(names, report)
        meta = read_metadata(archive, package, report) if package else None
        if package:
            check_license(names, package, report)
        if meta is None:
            return report
        report.metadata = meta
        check_required(meta, report)
        check_versions(meta, report)
        check_people(meta, report)
        check_flags(meta, names, archive, package, report)
        check_icon(meta, names, package, report)
        check_changelog(meta, report)
        check_urls(meta, report, online, timeout)
    return report


def print_report(report: Report, zip_path: Path, out=sys.stdout) -> None:
    for finding in report.warnings:
        print(f"warning {finding}", file=out)
    for finding in report.errors:
        print(f"BREACH {finding}", file=out)
    verdict = "passes" if report.ok else f"FAILS {len(report.errors)} rule check(s) of"
    print(f"{zip_path.name} {verdict} the plugins.qgis.org rules", file=out)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--offline", action="store_true", help="do not try to reach tracker/repository/homepage")
    args = parser.parse_args(argv)
    report = validate(args.zip, online=not args.offline)
    print_report(report, args.zip)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
