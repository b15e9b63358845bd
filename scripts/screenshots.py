"""Take the README's screenshots: the JiN panel beside a map canvas, and the demo map.

Run after ``make demo`` (it serves that demo hub again): ``.venv/bin/python scripts/screenshots.py``.
Headless by default (offscreen Qt); the widgets are the plugin's real ones, driven as a user would.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from demo import sign_in  # noqa: E402

from jin_hub.local_server import start_hub  # noqa: E402

DEMO = ROOT / "var/demo"
IMAGES = ROOT / "docs/images"


def wait_for(condition, timeout: float = 60) -> None:
    from qgis.core import QgsApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the panel did not get there in time")
        QgsApplication.processEvents()
        time.sleep(0.02)


def grab_with(window, canvas, layer, out: Path) -> None:
    """Show ``layer`` on the canvas, wait for it to be drawn, and save the window as ``out``."""
    from qgis.core import QgsApplication

    canvas.setLayers([layer])
    canvas.setExtent(layer.extent().buffered(2000))
    rendered: list = []
    canvas.mapCanvasRefreshed.connect(lambda: rendered.append(True))
    canvas.refresh()
    wait_for(lambda: bool(rendered), 30)
    QgsApplication.processEvents()
    window.grab().save(str(out))


def panel_screenshot(hub_url: str, out: Path) -> None:
    """A QGIS-like window: map canvas, message bar and the JiN dock after 'Add to map'."""
    from qgis.core import QgsProject
    from qgis.gui import QgsMapCanvas, QgsMessageBar
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QMainWindow, QVBoxLayout, QWidget

    from jin_plugin.ui.dock import JinDock

    app, authcfg = sign_in(hub_url, Path(tempfile.mkdtemp(prefix="jin_profile_")), gui=True)
    window = QMainWindow()
    window.setWindowTitle("QGIS — JiN")
    central = QWidget()
    column = QVBoxLayout(central)
    bar = QgsMessageBar()
    canvas = QgsMapCanvas()
    canvas.setCanvasColor(Qt.GlobalColor.white)
    column.addWidget(bar)
    column.addWidget(canvas, 1)
    window.setCentralWidget(central)
    from jin_plugin.core.connections import Connection

    dock = JinDock(bar, canvas=canvas)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(1500, 950)
    window.show()

    dock.use_connection(Connection("JiN demo hub", hub_url, authcfg))
    dock.connect_button.click()
    wait_for(lambda: bool(dock.catalogue.dataset_items()))
    dock.catalogue.select("police_uk_crime")                              # real: police.uk
    options = dock.options
    options.kind.setCurrentIndex(options.kind.findData("year"))          # the whole year
    options.categories.deselectAllOptions()
    options.categories.setCheckedItems(["Criminal damage and arson"])
    added: list = []
    dock.layerAdded.connect(added.append)
    dock.add_button.click()
    wait_for(lambda: bool(added))
    layer = added.pop()
    canvas.setDestinationCrs(layer.crs())
    grab_with(window, canvas, layer, out)
    layout_image(dock, out.with_name("layout_a4.png"))
    del layer
    compare_screenshot(dock, canvas, window, out.with_name("compare.png"))
    QgsProject.instance().removeAllMapLayers()
    window.close()
    app.exitQgis()


def layout_image(dock, out: Path) -> None:
    """The A4 landscape layout the panel's Print layout makes of the JiN layer (district outlines
    and names fetched first), exported as the analyst would (PDF beside the PNG)."""
    from qgis.core import QgsProject

    from jin_plugin.core.layouts import export

    dock.page.setCurrentIndex(dock.page.findData("a4-landscape"))
    manager = QgsProject.instance().layoutManager()
    dock.make_layout()
    wait_for(lambda: bool(manager.layouts()))
    layout = manager.layouts()[0]
    export(layout, out, dpi=110)
    export(layout, out.with_suffix(".pdf"), dpi=150)


def compare_screenshot(dock, canvas, window, out: Path) -> None:
    """The Compare tab after comparing anti-social behaviour with criminal damage (real police.uk
    data, LSOA 2021, 2024, per 1,000 residents)."""
    from qgis.core import QgsProject

    from jin_plugin.core.workflow import fetch_layer_blocking

    url, authcfg = dock.client().base_url, dock.client().authcfg
    asb = fetch_layer_blocking(url, "police_uk_asb", "lsoa21", "2024", authcfg=authcfg, measure="rate")
    damage = fetch_layer_blocking(url, "police_uk_crime", "lsoa21", "2024", "Criminal damage and arson",
                                  authcfg=authcfg, measure="rate")
    for layer in (asb, damage):
        QgsProject.instance().addMapLayer(layer, False)
    panel = dock.compare_panel
    dock.tabs.setCurrentWidget(panel)
    panel.layers[0].setLayer(asb)
    panel.layers[1].setLayer(damage)
    panel.fields[0].setField("rate")
    panel.fields[1].setField("rate")
    added: list = []
    dock.layerAdded.connect(added.append)
    panel.compare()
    wait_for(lambda: bool(added), 300)
    result = added.pop()
    grab_with(window, canvas, result, out)
    shutil.copy(Path(panel.summary_path).with_suffix(".pdf"), out.with_name("compare_summary.pdf"))
    del result, asb, damage


def main() -> None:
    db = DEMO / "hub.sqlite"
    if not db.exists():
        sys.exit(f"{db} is missing: run `make demo` first")
    IMAGES.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "jin_demo_map.png", IMAGES / "demo_map.png")
    os.environ["JIN_CACHE_DIR"] = tempfile.mkdtemp(prefix="jin_cache_")
    with start_hub(db, cwd=ROOT) as hub:
        panel_screenshot(hub.url, IMAGES / "panel.png")
    print(f"screenshots written to {IMAGES}")


if __name__ == "__main__":
    main()
