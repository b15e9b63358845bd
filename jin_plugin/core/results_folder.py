"""Where Compare, Change, Join and Count keep their results.

Never the system temp folder: Disk Clean-up empties it, and a saved project then asks to "handle
unavailable layers" and the summary PDF is gone. Results go to the folder the analyst chose for this
project (kept in the project, relative to its file where possible, so a project folder copied to
another PC still finds it); otherwise to ``JiN results`` beside the saved project, so the project
and its results move together; otherwise to ``JiN results`` in the QGIS profile folder. The last
folder chosen in any project is only offered as the picker's starting place, never used unasked.
Files get readable names that never replace an earlier result.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from functools import reduce
from pathlib import Path
from typing import Literal, Optional

from qgis.core import QgsApplication, QgsPathResolver, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QObject

from ..i18n import tr

FOLDER_NAME = "JiN results"
SETTING = "jin/results_folder"
#: The project's own choice: (scope, key) of ``QgsProject.readEntry``.
PROJECT_ENTRY = ("jin", "results_folder")
#: Object name of the project's ``_Follower``.
_FOLLOWER = "jin_results_follower"
#: Every ``_Follower``, so Python keeps its slots (its C++ side belongs to the project).
_followers: list[QObject] = []
#: Per project (``id``): the stored choice and the file it is relative to.
_anchors: dict[int, tuple[str, str]] = {}
#: Characters Windows refuses in file names, control characters included.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
#: Characters of each layer's name in a result's file name, so every layer named shows.
NAME_CHARS = 40
#: Room for the folder's own path within Windows' 260-character limit.
MAX_WORDS = 90
#: Names handed out in this session but not yet written (two runs started within the same minute).
_reserved: set[Path] = set()


class ResultsFolderError(Exception):
    """The results folder cannot be written; the message names it and the fix."""


class _Follower(QObject):
    """Re-anchors its project's choice when the project is read or written (a child of the project:
    Qt disconnects it with the project, never calling Python while QGIS closes)."""

    def __init__(self, project: QgsProject):
        super().__init__(project)
        self.setObjectName(_FOLLOWER)
        project.readProject.connect(self.read)
        project.writeProject.connect(self.write)

    def read(self, _doc) -> None:
        _anchor_here(self.parent())

    def write(self, _doc) -> None:
        _reanchor(self.parent())


def _followed(project: Optional[QgsProject]) -> QgsProject:
    """``project`` (default: the current one), its choice kept relative to its file when it is saved
    under a new name: the choice stays the same folder, as QGIS keeps its layers' files."""
    project = project or QgsProject.instance()
    if project.findChild(QObject, _FOLLOWER) is None:
        _followers.append(_Follower(project))
    return project


def _stored(project: QgsProject) -> str:
    """The choice as kept in the project: relative to its file where possible."""
    return project.readEntry(*PROJECT_ENTRY, "")[0]


def _anchor_here(project: QgsProject) -> None:
    """The stored choice is relative to the project's file as it is now."""
    _anchors[id(project)] = (_stored(project), project.absoluteFilePath())


def _anchor(project: QgsProject) -> str:
    """The project file the stored choice is relative to: the file it was chosen, read or last
    written in (the current file if the choice came from elsewhere)."""
    stored, anchor = _anchors.get(id(project), ("", ""))
    return anchor if stored and stored == _stored(project) else project.absoluteFilePath()


def _reanchor(project: QgsProject) -> None:
    """Before the project is written (perhaps under a new name): store its choice relative to the new file."""
    stored = _stored(project)
    if stored and _anchor(project) != project.absoluteFilePath():
        project.writeEntry(*PROJECT_ENTRY, project.writePath(QgsPathResolver(_anchor(project)).readPath(stored)))
    _anchor_here(project)


def chosen_folder(project: Optional[QgsProject] = None) -> str:
    """The folder chosen for this project, as an absolute path (empty: none, the default applies)."""
    project = _followed(project)
    stored = _stored(project)
    return QgsPathResolver(_anchor(project)).readPath(stored) if stored else ""


def choose_folder(folder: str, project: Optional[QgsProject] = None) -> None:
    """Keep ``folder`` in the project (empty: back to the default); other projects are not touched.
    A folder chosen is also remembered as the picker's starting place for any project."""
    project = _followed(project)
    if folder:
        project.writeEntry(*PROJECT_ENTRY, project.writePath(str(Path(folder).expanduser())))
        _anchor_here(project)
        QgsSettings().setValue(SETTING, folder)
    else:
        project.removeEntry(*PROJECT_ENTRY)


def suggested_folder() -> str:
    """The last folder chosen in any project, to start the picker in (empty: none yet)."""
    return str(QgsSettings().value(SETTING, "", type=str))


def default_folder(project: Optional[QgsProject] = None) -> Path:
    """``JiN results`` beside the saved project, else in the QGIS profile folder."""
    project = project or QgsProject.instance()
    saved = project.absoluteFilePath()
    return (Path(saved).parent if saved else Path(QgsApplication.qgisSettingsDirPath())) / FOLDER_NAME


def results_folder(project: Optional[QgsProject] = None) -> Path:
    """The folder results go to now (see the module's note)."""
    chosen = chosen_folder(project)
    return Path(chosen) if chosen else default_folder(project)


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


def result_for(kind: Literal["compare", "change", "join", "count"], *layer_names: str,
               suffixes: Iterable[str] = (".gpkg",)) -> Path:
    """A new result file in the writable results folder, named for what it holds in the analyst's
    language: ``compare A vs B``, ``change EARLIER to LATER``, ``join AREAS + TABLE``, ``count
    POINTS in AREAS`` (``ResultsFolderError`` when the folder cannot be written)."""
    names = [name[:NAME_CHARS] for name in layer_names]
    if kind == "compare":
        words = tr("compare {layers}").format(layers=reduce(
            lambda first, second: tr("{first} vs {second}").format(first=first, second=second), names))
    else:
        phrase, keys = {"change": (tr("change {earlier} to {later}"), ("earlier", "later")),
                        "join": (tr("join {areas} + {table}"), ("areas", "table")),
                        "count": (tr("count {points} in {areas}"), ("points", "areas"))}[kind]
        words = phrase.format(**dict(zip(keys, names)))
    return result_path(writable_folder(), [words], suffixes)
