"""Where Compare, Change, Join and Count keep their results.

Never the system temp folder: Disk Clean-up empties it, and a saved project then asks to "handle
unavailable layers" and the summary PDF is gone. Results go to the folder the analyst chose (kept
with the project, and in the settings for new projects); otherwise to ``JiN results`` beside the
saved project, so the project and its results move together; otherwise to ``JiN results`` in the
QGIS profile folder. Files get readable names that never replace an earlier result.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsProject, QgsSettings

from ..i18n import tr

FOLDER_NAME = "JiN results"
SETTING = "jin/results_folder"
#: The project's own choice: (scope, key) of ``QgsProject.readEntry``.
PROJECT_ENTRY = ("jin", "results_folder")
#: Characters Windows refuses in file names, control characters included.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
#: Room for the folder's own path within Windows' 260-character limit.
MAX_WORDS = 90
#: Names handed out in this session but not yet written (two runs started within the same minute).
_reserved: set[Path] = set()


class ResultsFolderError(Exception):
    """The results folder cannot be written; the message names it and the fix."""


def chosen_folder(project: Optional[QgsProject] = None) -> str:
    """The analyst's choice: the project's, else the last one made (empty: the default)."""
    project = project or QgsProject.instance()
    own, _ = project.readEntry(*PROJECT_ENTRY, "")
    return own or str(QgsSettings().value(SETTING, "", type=str))


def choose_folder(folder: str, project: Optional[QgsProject] = None) -> None:
    """Remember ``folder`` in the project and for new projects; an empty one means the default."""
    project = project or QgsProject.instance()
    if folder:
        project.writeEntry(*PROJECT_ENTRY, folder)
        QgsSettings().setValue(SETTING, folder)
    else:
        project.removeEntry(*PROJECT_ENTRY)
        QgsSettings().remove(SETTING)


def default_folder(project: Optional[QgsProject] = None) -> Path:
    """``JiN results`` beside the saved project, else in the QGIS profile folder."""
    project = project or QgsProject.instance()
    saved = project.absoluteFilePath()
    return (Path(saved).parent if saved else Path(QgsApplication.qgisSettingsDirPath())) / FOLDER_NAME


def results_folder(project: Optional[QgsProject] = None) -> Path:
    """The folder results go to now (see the module's note)."""
    chosen = chosen_folder(project)
    return Path(chosen).expanduser() if chosen else default_folder(project)


def writable_folder(project: Optional[QgsProject] = None) -> Path:
    """The results folder, made if need be, once a file could be written in it; otherwise
    ``ResultsFolderError`` naming the folder and the fix, and nothing is started."""
    folder = results_folder(project)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ResultsFolderError(
            tr("Results cannot be saved in “{folder}” ({error}). Choose a folder you can write to under "
               "“Results folder”, or clear it to use “{default}”.").format(
                folder=folder, error=exc.strerror or exc, default=default_folder(project))) from exc
    return folder


def safe_words(words: Iterable[str]) -> str:
    """The words as one file-name part Windows, macOS and Linux all accept, at most ``MAX_WORDS`` long."""
    text = " ".join(unicodedata.normalize("NFC", str(w)) for w in words if str(w).strip())
    text = re.sub(r"\s+", " ", _UNSAFE.sub(" ", text)).strip()
    return text[:MAX_WORDS].rstrip(" .") or "result"


def result_path(folder: Path, words: Iterable[str], suffixes: Iterable[str] = (".gpkg",),
                now: Optional[datetime] = None) -> Path:
    """``folder/<words> <date> <time>`` with the first suffix, e.g. ``compare burglary vs asb
    2024-12-05 1432.gpkg``: `` (2)``, `` (3)``… is added while a file with any of ``suffixes``
    exists or was handed out already, so no earlier result is replaced."""
    stem = f"{safe_words(words)} {(now or datetime.now()):%Y-%m-%d %H%M}"
    suffixes = list(suffixes)
    n = 1
    while True:
        name = stem if n == 1 else f"{stem} ({n})"
        paths = [folder / f"{name}{suffix}" for suffix in suffixes]
        if not any(p.exists() or p in _reserved for p in paths):
            _reserved.update(paths)
            return paths[0]
        n += 1
