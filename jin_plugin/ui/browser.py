"""JiN in QGIS's Browser panel: connections → themes → datasets → geographies.

Analysts find data in the Browser for every other source, so JiN is there too. Dataset and geography
items drag onto the map (a "custom" mime URI that ``JinDropHandler`` turns into a fetch) and open on
double-click; both run the same background fetch as the panel and land themed in the "JiN" group.

Items are built on QGIS's worker threads (``createChildren``): they hold plain data only, and make
their icons on demand in ``icon()`` (GUI thread), as QGIS requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional
from urllib.parse import parse_qs, quote, urlencode

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsDataCollectionItem,
    QgsDataItem,
    QgsDataItemProvider,
    QgsErrorItem,
    QgsMimeDataUtils,
    QgsVectorLayer,
)
from qgis.gui import QgsCustomDropHandler
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QWidget

from ..core import connections
from ..core.compat import QAction, data_item_provider_capabilities
from ..core.connections import Connection
from ..core.fetch import FetchLayerTask
from ..core.hub_client import HubClient, HubError
from ..core.model import LayerRequest, default_period, geography_label
from ..core.project_layers import add_to_jin_group, added_message, style_fetched
from ..core.themes import THEME_ORDER, theme_title
from ..i18n import tr
from .icons import LOGO, theme_icon

PROVIDER_KEY = "jin"
ROOT_PATH = "jin:"
GEOGRAPHY_ORDER = ("oa", "lsoa", "lsoa21", "ward", "ward21", "msoa", "msoa21", "district")
DEFAULT_GEOGRAPHY = "lsoa"
LAYER_ICON = "mIconPolygonLayer.svg"


# ---- what an item opens --------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A dataset at a geography on a saved connection: what a drag or double-click fetches."""

    connection: str
    dataset: str
    geography: str
    period: str = ""                    # empty: the hub's latest month

    def mime_uri(self, name: str) -> QgsMimeDataUtils.Uri:
        """A "custom" URI: QGIS hands it to the drop handler whose key is ``jin``."""
        uri = QgsMimeDataUtils.Uri()
        uri.layerType = "custom"
        uri.providerKey = PROVIDER_KEY
        uri.name = name
        fields = {"connection": self.connection, "dataset": self.dataset, "geography": self.geography}
        uri.uri = urlencode({**fields, **({"period": self.period} if self.period else {})}, quote_via=quote)
        return uri

    @classmethod
    def from_uri(cls, uri: QgsMimeDataUtils.Uri) -> Optional[Target]:
        """The target a JiN URI names, or None for anything else."""
        if uri.layerType != "custom" or uri.providerKey != PROVIDER_KEY:
            return None
        fields = {k: v[0] for k, v in parse_qs(uri.uri).items()}
        if not all(fields.get(k) for k in ("connection", "dataset", "geography")):
            return None
        return cls(fields["connection"], fields["dataset"], fields["geography"], fields.get("period", ""))


# ---- fetch and place -----------------------------------------------------------------------
class LayerOpener:
    """Fetch a target in the background, then theme it and add it to the project's "JiN" group.

    Shared by double-click and drop; reports to ``message_bar`` (QGIS's, or a test double).
    """

    def __init__(self, message_bar):
        self.message_bar = message_bar
        self.tasks: list[FetchLayerTask] = []           # Python references while tasks run

    def open(self, target: Target) -> Optional[FetchLayerTask]:
        """Queue the fetch of ``target``; None (and a message) if its connection is gone."""
        connection = connections.find(target.connection)
        if connection is None:
            self.notify(tr("There is no JiN connection named '{name}' any more. Refresh the Browser "
                           "panel and choose again.").format(name=target.connection), Qgis.MessageLevel.Critical)
            return None
        task = FetchLayerTask(HubClient(connection.url, connection.authcfg),
                              LayerRequest(target.dataset, target.geography, target.period or None))
        task.layerReady.connect(self.place)
        task.failed.connect(lambda message: self.notify(message, Qgis.MessageLevel.Critical))
        task.cancelled.connect(lambda message: self.notify(message, Qgis.MessageLevel.Info))
        task.taskCompleted.connect(lambda: self._forget(task))
        task.taskTerminated.connect(lambda: self._forget(task))
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        return task

    def place(self, layer: QgsVectorLayer) -> None:
        """Theme the fetched layer as the panel does and put it on top of the JiN group."""
        warning = style_fetched(layer)
        add_to_jin_group(layer)
        self.notify(*added_message(layer, warning))

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    def notify(self, text: str, level: Qgis.MessageLevel) -> None:
        if self.message_bar is not None:
            self.message_bar.pushMessage("JiN", text, level, 0 if level == Qgis.MessageLevel.Critical else 8)

    def _forget(self, task: FetchLayerTask) -> None:
        if task in self.tasks:
            self.tasks.remove(task)


class JinDropHandler(QgsCustomDropHandler):
    """Turns a JiN item dropped on the map into a fetch (QGIS passes it "custom" URIs keyed ``jin``)."""

    def __init__(self, opener: LayerOpener):
        super().__init__()
        self.opener = opener

    def customUriProviderKey(self) -> str:
        return PROVIDER_KEY

    def handleCustomUriDrop(self, uri: QgsMimeDataUtils.Uri) -> None:
        target = Target.from_uri(uri)
        if target is None:
            self.opener.notify(tr("'{name}' is not a JiN dataset QGIS can open.").format(name=uri.name),
                               Qgis.MessageLevel.Warning)
            return
        self.opener.open(target)


# ---- browser items -------------------------------------------------------------------------
def ordered(key: str, order: tuple[str, ...]) -> str:
    """Sort key: the known ``order`` first, then anything else alphabetically."""
    return f"{order.index(key):02d}" if key in order else f"99{key}"


def published_geographies(entry: dict) -> list[str]:
    """Geographies the dataset's all-categories layer is published at for its default period (what
    these items fetch), finest first; the catalogue's ``geographies`` when the hub does not say."""
    rules = entry.get("publication_years" if default_period(entry) else "publication") or {}
    geographies = rules.get("all") or entry.get("geographies") or []
    return sorted(geographies, key=lambda g: ordered(g, GEOGRAPHY_ORDER))


class LogoItem(QgsDataCollectionItem):
    """A collection shown with the JiN logo (QGIS's spinner while its children are being made) and a
    Refresh action: connections and catalogues change while QGIS is open."""

    def __init__(self, name: str, path: str):
        super().__init__(None, name, path, PROVIDER_KEY)
        self.logo: Optional[QIcon] = None       # made in icon(), on the GUI thread: QIcon is GUI-only

    def icon(self) -> QIcon:
        if self.state() == Qgis.BrowserItemState.Populating:
            return super().icon()
        if self.logo is None:
            self.logo = QIcon(str(LOGO))
        return self.logo

    def actions(self, parent: QWidget) -> list[QAction]:
        action = QAction(QgsApplication.getThemeIcon("mActionRefresh.svg"), tr("Refresh"), parent)
        action.triggered.connect(lambda _checked=False: self.refresh())
        return [action]


class JinRootItem(LogoItem):
    """The "JiN" root: one child per saved connection (read from settings, so cheap)."""

    def __init__(self, opener: LayerOpener):
        super().__init__("JiN", ROOT_PATH)
        self.opener = opener
        self.setCapabilitiesV2(Qgis.BrowserItemCapabilities(Qgis.BrowserItemCapability.Fast |
                                                            Qgis.BrowserItemCapability.Fertile))
        self.setToolTip(tr("Community-safety datasets on your JiN hubs (add a connection in the JiN panel)"))

    def createChildren(self) -> list[QgsDataItem]:
        return [ConnectionItem(self.opener, c, self.path()) for c in connections.connections()]


class ConnectionItem(LogoItem):
    """One hub connection; expanding it asks the hub for its catalogue (on a worker thread)."""

    def __init__(self, opener: LayerOpener, connection: Connection, parent_path: str):
        super().__init__(connection.name, f"{parent_path}/{QgsDataItem.pathComponent(connection.name)}")
        self.opener = opener
        self.connection = connection
        self.setToolTip(connection.url)

    def createChildren(self) -> list[QgsDataItem]:
        try:
            entries = HubClient(self.connection.url, self.connection.authcfg).catalogue()
        except HubError as exc:
            return [QgsErrorItem(None, str(exc), f"{self.path()}/error")]
        except Exception as exc:                      # a worker thread: never let it escape
            return [QgsErrorItem(None, tr("Unexpected error reading the catalogue ({error}). Please report it.")
                                 .format(error=f"{type(exc).__name__}: {exc}"), f"{self.path()}/error")]
        themes: dict[str, list[dict]] = {}
        for entry in entries:
            themes.setdefault(entry.get("theme") or "other", []).append(entry)
        return [ThemeItem(self.opener, self.connection.name, theme, group, self.path())
                for theme, group in themes.items()]


class ThemeItem(QgsDataCollectionItem):
    """A theme folder (Crime, Anti-social behaviour …) of one connection's datasets."""

    def __init__(self, opener: LayerOpener, connection: str, theme: str, entries: list[dict], parent_path: str):
        super().__init__(None, theme_title(theme), f"{parent_path}/{QgsDataItem.pathComponent(theme)}", PROVIDER_KEY)
        self.opener = opener
        self.connection = connection
        self.entries = entries
        self.theme = theme
        self.setSortKey(ordered(theme, THEME_ORDER))
        self.setCapabilitiesV2(Qgis.BrowserItemCapabilities(Qgis.BrowserItemCapability.Fast))

    def icon(self) -> QIcon:
        return theme_icon(self.theme)           # called on the GUI thread

    def createChildren(self) -> list[QgsDataItem]:
        return [DatasetItem(self.opener, self.connection, entry, self.path()) for entry in self.entries]


class OpenableItem(QgsDataItem):
    """An item that fetches ``target`` when dragged onto the map or double-clicked."""

    def __init__(self, opener: LayerOpener, target: Target, name: str, layer_name: str, path: str):
        super().__init__(Qgis.BrowserItemType.Custom, None, name, path, PROVIDER_KEY)
        self.opener = opener
        self.target = target
        self.layer_name = layer_name
        self.setIconName(LAYER_ICON)

    def hasDragEnabled(self) -> bool:
        return True

    def mimeUris(self) -> list[QgsMimeDataUtils.Uri]:
        return [self.target.mime_uri(self.layer_name)]

    def handleDoubleClick(self) -> bool:
        self.opener.open(self.target)
        return True


class DatasetItem(OpenableItem):
    """A dataset: opens at LSOA (else its finest geography); expands to every published geography."""

    def __init__(self, opener: LayerOpener, connection: str, entry: dict, parent_path: str):
        geographies = published_geographies(entry)
        default = DEFAULT_GEOGRAPHY if DEFAULT_GEOGRAPHY in geographies else next(iter(geographies), DEFAULT_GEOGRAPHY)
        super().__init__(opener, Target(connection, entry["id"], default, default_period(entry) or ""), entry["title"],
                         entry["title"] + " — " + geography_label(default, geographies),
                         f"{parent_path}/{QgsDataItem.pathComponent(entry['id'])}")
        self.entry = entry
        self.geographies = geographies
        self.setToolTip(entry.get("description", ""))
        self.setCapabilitiesV2(Qgis.BrowserItemCapabilities(Qgis.BrowserItemCapability.Fast))

    def createChildren(self) -> list[QgsDataItem]:
        return [GeographyItem(self.opener, self.target.connection, self.entry, geography, self.path())
                for geography in self.geographies]


class GeographyItem(OpenableItem):
    """A dataset at one geography (LSOA, MSOA …): a leaf."""

    def __init__(self, opener: LayerOpener, connection: str, entry: dict, geography: str, parent_path: str):
        label = geography_label(geography, entry.get("geographies", ()))
        super().__init__(opener, Target(connection, entry["id"], geography, default_period(entry) or ""), label,
                         f"{entry['title']} — {label}",
                         f"{parent_path}/{QgsDataItem.pathComponent(geography)}")
        self.setToolTip(tr("{title} by {geography}. Drag onto the map or double-click to add it.")
                        .format(title=entry["title"], geography=label))
        self.setSortKey(ordered(geography, GEOGRAPHY_ORDER))
        self.setState(Qgis.BrowserItemState.Populated)        # a leaf: no expand arrow


class JinDataItemProvider(QgsDataItemProvider):
    """Adds the "JiN" root to the Browser; its items open layers through ``opener``."""

    def __init__(self, opener: LayerOpener):
        super().__init__()
        self.opener = opener

    def name(self) -> str:
        return "JiN"

    def capabilities(self):
        return data_item_provider_capabilities()

    def createDataItem(self, path: str, parentItem: Optional[QgsDataItem]) -> Optional[QgsDataItem]:
        return JinRootItem(self.opener) if not path else None
