"""District outlines and names as context on printed maps: the hub's district boundaries (cached
like every geography's), styled as outlines with haloed names, in a "JiN context" group on top of
the project, so an inspector can tell where things are and the county locator has its shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsFillSymbol, QgsProject, QgsSingleSymbolRenderer, QgsVectorLayer
from qgis.PyQt.QtCore import pyqtSignal

from ..i18n import tr
from .cache import Cache
from .hub_client import HubClient, HubError
from .safe_task import SafeTask
from .symbology import apply_labels

CONTEXT_GROUP = "JiN context"
CONTEXT_KEY = "jin/context"
DISTRICTS = "districts"
GEOGRAPHY = "district"
OUTLINE = {"color": "0,0,0,0", "outline_color": "#303030", "outline_width": "0.5"}


def districts_in(project: QgsProject) -> Optional[QgsVectorLayer]:
    """The district context layer already in ``project``, if any."""
    return next((lyr for lyr in project.mapLayers().values()
                 if isinstance(lyr, QgsVectorLayer) and lyr.customProperty(CONTEXT_KEY) == DISTRICTS), None)


def cached_boundaries(hub_url: str) -> Optional[Path]:
    """The hub's district boundaries when they are in the cache (no network)."""
    path = Cache(hub_url).boundaries_path(GEOGRAPHY) if hub_url else None
    return path if path is not None and path.is_file() else None


def add_districts(project: QgsProject, boundaries: Path) -> QgsVectorLayer:
    """The district outlines and names, added at the top of the project in the "JiN context" group
    (reused when already there)."""
    existing = districts_in(project)
    if existing is not None:
        return existing
    layer = QgsVectorLayer(str(boundaries), tr("Districts"), "ogr")
    if not layer.isValid():
        raise OSError(tr("The cached district boundaries {path} cannot be read: delete the file and make the "
                         "layout again.").format(path=boundaries))
    layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(OUTLINE)))
    apply_labels(layer, "area_name", min_scale=10_000_000)      # names at county scale and closer
    layer.setCustomProperty(CONTEXT_KEY, DISTRICTS)
    root = project.layerTreeRoot()
    group = root.findGroup(CONTEXT_GROUP) or root.insertGroup(0, CONTEXT_GROUP)
    project.addMapLayer(layer, False)
    group.insertLayer(0, layer)
    return layer


class DistrictBoundariesTask(SafeTask):
    """Download the hub's district boundaries into the cache; emits ``ready(path)`` or ``failed``."""

    ready = pyqtSignal(object)

    def __init__(self, client: HubClient):
        super().__init__(tr("JiN: fetching district boundaries"))
        self.client = client
        self.path: Optional[Path] = None

    def work(self) -> bool:
        try:
            self.path, _ = Cache(self.client.base_url).boundaries(self.client, GEOGRAPHY)
        except (HubError, OSError) as exc:
            self.error = str(exc)
            return False
        return True

    def deliver(self, ok: bool) -> None:
        if ok and self.path is not None:
            self.ready.emit(self.path)
        else:
            self.failed.emit(self.error or tr("The district boundaries could not be fetched."))
