"""Named JiN hub connections, stored the way QGIS stores its own (``QgsSettings``).

A connection is a name, the hub's URL and the id of a QGIS authentication configuration: the user
name and password stay encrypted in QGIS's auth database, never in plain settings. Layout:
``jin/connections/<name>/url``, ``.../authcfg`` and ``jin/connections/selected``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsSettings

from ..i18n import tr

ROOT = "jin/connections"
SELECTED = f"{ROOT}/selected"
LEGACY_URL, LEGACY_AUTHCFG = "jin/hub_url", "jin/authcfg"       # one unnamed hub, before named connections
DEFAULT_NAME = "JiN hub"


class InvalidConnection(ValueError):
    """A connection cannot be saved as given (the message says what to change)."""


@dataclass(frozen=True)
class Connection:
    name: str
    url: str
    authcfg: str = ""


def check(connection: Connection) -> None:
    """Raise ``InvalidConnection`` unless ``connection`` can be saved (its sign-in aside)."""
    name = connection.name.strip()
    if not name:
        raise InvalidConnection(tr("Give the connection a name, e.g. 'JiN hub (live)'."))
    if "/" in name or "\\" in name:
        raise InvalidConnection(tr("A connection name cannot contain '/' or '\\': choose another name."))
    if not connection.url.strip().lower().startswith(("http://", "https://")):
        raise InvalidConnection(tr("'{url}' is not a web address: the hub's URL starts with https:// "
                                   "(or http:// on your own PC).").format(url=connection.url))


def _migrate(settings: QgsSettings) -> None:
    """Turn the single unnamed hub of earlier versions into a named connection, once."""
    url = settings.value(LEGACY_URL, "")
    if url:
        settings.setValue(f"{ROOT}/{DEFAULT_NAME}/url", url)
        settings.setValue(f"{ROOT}/{DEFAULT_NAME}/authcfg", settings.value(LEGACY_AUTHCFG, ""))
        settings.setValue(SELECTED, settings.value(SELECTED, DEFAULT_NAME) or DEFAULT_NAME)
        settings.remove(LEGACY_URL)
        settings.remove(LEGACY_AUTHCFG)


def connections() -> list[Connection]:
    """Every saved connection, by name."""
    settings = QgsSettings()
    _migrate(settings)
    settings.beginGroup(ROOT)
    names = sorted(settings.childGroups(), key=str.lower)
    settings.endGroup()
    return [Connection(n, settings.value(f"{ROOT}/{n}/url", ""), settings.value(f"{ROOT}/{n}/authcfg", "") or "")
            for n in names]


def find(name: str) -> Optional[Connection]:
    return next((c for c in connections() if c.name == name), None)


def save(connection: Connection, replacing: str = "") -> Connection:
    """Store ``connection`` (renaming ``replacing`` if given) and select it."""
    check(connection)
    connection = Connection(connection.name.strip(), connection.url.strip().rstrip("/"), connection.authcfg)
    settings = QgsSettings()
    if replacing and replacing != connection.name:
        settings.remove(f"{ROOT}/{replacing}")
    settings.setValue(f"{ROOT}/{connection.name}/url", connection.url)
    settings.setValue(f"{ROOT}/{connection.name}/authcfg", connection.authcfg)
    select(connection.name)
    return connection


def delete(name: str) -> None:
    settings = QgsSettings()
    settings.remove(f"{ROOT}/{name}")
    if settings.value(SELECTED, "") == name:
        settings.remove(SELECTED)


def select(name: str) -> None:
    QgsSettings().setValue(SELECTED, name)


def selected() -> Optional[Connection]:
    """The connection chosen last, else the first one, else None."""
    saved = connections()
    name = QgsSettings().value(SELECTED, "")
    return next((c for c in saved if c.name == name), saved[0] if saved else None)
