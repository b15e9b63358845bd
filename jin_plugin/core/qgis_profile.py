"""A headless QGIS (the demo, scripts) that keeps everything it writes in one folder of its own.

``QgsApplication(argv, gui, profileFolder)`` is not enough: QGIS 3.40+ ignores that folder and
opens the user's default profile (their authentication database included), and even 3.22 writes
Qt's settings and network cache under the home folder. QGIS reads ``QGIS_CUSTOM_CONFIG_PATH`` in
every version, and Qt on Linux keeps its files where the ``XDG_*`` variables say, so both are set
before the application starts.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Qt's per-user folders on Linux (elsewhere Qt ignores these), inside the own folder.
XDG_FOLDERS = {"XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache", "XDG_DATA_HOME": "data",
               "XDG_RUNTIME_DIR": "runtime"}


class ProfileOutsideFolder(RuntimeError):
    """QGIS opened a profile outside the folder it was given: it must not be used."""


def use_own_folder(folder: Path) -> None:
    """Have the QGIS started next in this process keep its profile, settings and caches in ``folder``.

    Call before any QGIS object is made (some modules make one when imported, a CRS for instance):
    Qt fixes where its settings and caches go at their first use. The profile is
    ``folder/profiles/default``.
    """
    folder = Path(folder).resolve()
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = str(folder)
    os.environ.pop("QGIS_AUTH_DB_DIR_PATH", None)          # the authentication database stays in the profile
    for variable, name in XDG_FOLDERS.items():
        path = folder / "xdg" / name
        path.mkdir(mode=0o700, parents=True, exist_ok=True)   # Qt wants a private runtime folder
        os.environ[variable] = str(path)


def check_own_folder(folder: Path) -> None:
    """Raise ``ProfileOutsideFolder`` unless the running QGIS's profile is inside ``folder``."""
    from qgis.core import QgsApplication

    profile = Path(QgsApplication.qgisSettingsDirPath()).resolve()
    if not profile.is_relative_to(Path(folder).resolve()):
        raise ProfileOutsideFolder(f"QGIS opened the profile {profile}, not one in {folder}")


def quiet_auth_debug() -> None:
    """Turn off Qt's uncategorised debug messages, which QGIS's authentication code uses to print
    the master password's salt and hash (``salt hex:``, ``hash hex:``, ``cipheriv hex:``) in every
    build. QGIS's own log and warnings are untouched."""
    from qgis.PyQt.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules("default.debug=false")
