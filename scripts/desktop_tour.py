"""Drive desktop QGIS with the JiN plugin as an analyst does, on a 1366×768 screen, and keep
screenshots and the exported layout PDF to look at.

    xvfb-run -s "-screen 0 1366x768x24" python scripts/desktop_tour.py OUT_DIR

Keep OUT_DIR out of the temp folder: the plugin's cache lives in the tour's profile there, and QGIS
counts layers under the temp folder as temporary and asks about them on exit.

Run ``make demo`` first: the tour serves the demo hub (var/demo/hub.sqlite) on loopback, installs
the plugin into a fresh QGIS profile under OUT_DIR, starts the real ``qgis`` with this file as its
start-up code, and waits. Inside QGIS (``--code``) the same file walks the steps below on QGIS's
own event loop, screenshot after screenshot, then quits. ``make desktop-tour`` does all of it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TOUR_ENV = "JIN_TOUR_OUT"
#: QGIS runs ``--code`` files without ``__file__``: the host passes the path in the environment.
SCRIPT = Path(globals().get("__file__") or os.environ["JIN_TOUR_SCRIPT"]).resolve()
ROOT = SCRIPT.parents[1]
#: The demo hub's account and its QGIS master password (nothing real behind either).
USER, PASSWORD, MASTER = "demo.analyst", "demo-analyst-password", "jin-demo-master-password"


def host(out: Path) -> int:
    """Serve the demo hub, install the plugin in a fresh profile, run QGIS on this file."""
    sys.path.insert(0, str(ROOT))
    from jin_hub.local_server import start_hub

    db = ROOT / "var" / "demo" / "hub.sqlite"
    if not db.exists():
        sys.exit("desktop_tour: no demo hub at var/demo/hub.sqlite: run `make demo` first")
    out.mkdir(parents=True, exist_ok=True)
    profiles = out / "qgis"                 # QGIS keeps profiles in <profiles path>/profiles/<name>
    shutil.rmtree(profiles, ignore_errors=True)
    plugins = profiles / "profiles" / "default" / "python" / "plugins"
    shutil.copytree(ROOT / "jin_plugin", plugins / "jin_plugin",
                    ignore=shutil.ignore_patterns("__pycache__"))
    ini = profiles / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\njin_plugin=true\n[qgis]\ncheckVersion=false\nshowTips=false\n"
                   "[UI]\nhidetips=true\n", encoding="utf-8")
    hub = start_hub(db, cwd=ROOT)
    try:
        env = {**os.environ, TOUR_ENV: str(out), "JIN_TOUR_HUB": hub.url, "JIN_TOUR_SCRIPT": str(SCRIPT),
               "QT_QPA_PLATFORM": "xcb"}
        run = subprocess.run(["qgis", "--profiles-path", str(profiles), "--nologo", "--noversioncheck",
                              "--code", str(SCRIPT)], env=env, timeout=900)
    finally:
        hub.stop()
    print(f"desktop_tour: QGIS exited {run.returncode}; screenshots in {out}")
    return 0 if run.returncode == 0 and (out / "done").exists() else 1


# ---- inside QGIS -----------------------------------------------------------------------------
def tour() -> None:
    """The analyst's steps, each waiting on QGIS's event loop for what it started."""
    import time

    from qgis.core import QgsApplication, QgsLayoutExporter, QgsProject
    from qgis.PyQt.QtCore import Qt, QTimer
    from qgis.PyQt.QtWidgets import QApplication
    from qgis.utils import iface, plugins

    out = Path(os.environ[TOUR_ENV])
    log = (out / "tour.log").open("w", encoding="utf-8")

    def say(text: str) -> None:
        log.write(f"{time.strftime('%H:%M:%S')} {text}\n")
        log.flush()

    def shot(name: str) -> None:
        QApplication.primaryScreen().grabWindow(0).save(str(out / f"{name}.png"))
        say(f"screenshot {name}")

    def steps():
        window = iface.mainWindow()
        window.setGeometry(QApplication.primaryScreen().availableGeometry())   # no window manager to maximise
        window.showMaximized()
        yield 3
        QgsApplication.authManager().setMasterPassword(MASTER, True)
        from jin_plugin.core import connections
        from jin_plugin.core.auth import basic_config
        from jin_plugin.core.connections import Connection

        authcfg = basic_config("JiN demo hub", USER, PASSWORD, url=os.environ["JIN_TOUR_HUB"])
        connections.save(Connection("Demo hub", os.environ["JIN_TOUR_HUB"], authcfg))
        plugin = plugins["jin_plugin"]
        if plugin.dock is None or not plugin.dock.isVisible():
            plugin.action.trigger()
        dock = plugin.dock
        dock.reload_connections("Demo hub")
        window.resizeDocks([dock], [300], Qt.Orientation.Horizontal)        # the Layers panel's width
        yield 1
        shot("01_panel_300px")
        dock.connect_hub()
        yield lambda: bool(dock.catalogue.dataset_items())
        say(f"catalogue: {dock.status.text()}")
        dock.catalogue.select("police_uk_crime" if "police_uk_crime" in dock.entries else "police_crime")
        options = dock.options
        options.kind.setCurrentIndex(max(0, options.kind.findData("month")))
        options.categories.deselectAllOptions()
        options.categories.setCheckedItems(["Burglary"])
        yield 1
        shot("02_connected")
        added = []
        dock.layerAdded.connect(added.append)
        dock.add_selected()
        yield lambda: bool(added)
        yield 2
        say(f"added {added[0].name()}: {dock.message_line.text.text()}")
        shot("03_monthly_burglary")
        options.kind.setCurrentIndex(max(0, options.kind.findData("rolling")))
        options.categories.deselectAllOptions()
        options.categories.setCheckedItems(["all"])
        options.measure.setCurrentIndex(max(0, options.measure.findData("rate")))
        dock.add_selected()
        yield lambda: len(added) == 2
        yield 2
        say(f"added {added[1].name()}: {dock.message_line.text.text()}")
        iface.mapCanvas().setExtent(added[1].extent())
        yield 2
        shot("04_rate_map")
        dock.tabs.setCurrentIndex(1)
        yield 1
        shot("05_compare_tab")
        dock.tabs.setCurrentIndex(2)
        yield 1
        shot("06_local_tab")
        dock.tabs.setCurrentIndex(0)
        iface.layerTreeView().setCurrentLayer(added[1])
        layouts = QgsProject.instance().layoutManager()
        dock.make_layout()                      # district outlines may be fetched first, in a task
        yield lambda: bool(layouts.layouts())
        yield 4
        shot("07_layout_designer")
        layout = layouts.layouts()[0]
        exporter = QgsLayoutExporter(layout)
        result = exporter.exportToPdf(str(out / "layout.pdf"), QgsLayoutExporter.PdfExportSettings())
        exporter.exportToImage(str(out / "layout.png"), QgsLayoutExporter.ImageExportSettings())
        say(f"layout '{layout.name()}' exported: {result}")
        for designer in iface.openLayoutDesigners():
            designer.close()
        yield 1
        (out / "done").write_text("ok", encoding="utf-8")

    walk = steps()

    def finish() -> None:
        """Quit as the analyst does (Project ▸ Exit QGIS: plugins unloaded, then the window closed);
        QApplication.quit() skips that and QGIS 3.40 then crashes on its way out."""
        QgsProject.instance().setDirty(False)
        log.close()
        QTimer.singleShot(500, iface.actionExit().trigger)

    def advance() -> None:
        try:
            wait = next(walk)
        except StopIteration:
            finish()
            return
        except Exception as exc:        # a tour step failed: say which, and stop
            import traceback

            say("FAILED: " + "".join(traceback.format_exception(exc)))
            finish()
            return
        if callable(wait):
            deadline = time.monotonic() + 120

            def poll() -> None:
                if wait() or time.monotonic() > deadline:
                    advance()
                else:
                    QTimer.singleShot(200, poll)
            poll()
        else:
            QTimer.singleShot(int(wait * 1000), advance)

    QTimer.singleShot(2000, advance)


def _inside_qgis() -> bool:
    try:
        from qgis.utils import iface
    except ImportError:
        return False
    return iface is not None


if os.environ.get(TOUR_ENV) and _inside_qgis():      # QGIS runs ``--code`` files as __main__ too
    tour()
elif __name__ == "__main__":
    sys.exit(host(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "var" / "tour")))
