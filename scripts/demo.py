"""The main job (``make demo``): demo data → hub → plugin workflow in headless QGIS → a themed map PNG.

Every step is the real one: the synthetic extract goes through ``jin-hub load-boundaries`` and
``jin-hub ingest`` as an administrator would run them, ``jin-hub serve`` runs on loopback, and the
plugin's own fetch task pulls the layer through QGIS's network stack, themes it and renders it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jin_hub.demo import realdata  # noqa: E402
from jin_hub.demo.boundaries import FILES as BOUNDARY_FILES  # noqa: E402
from jin_hub.demo.synth import ALL_DATASETS  # noqa: E402
from jin_hub.local_server import start_hub  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")    # headless unless a display is asked for


DEMO_USER = ("demo.analyst", "demo-analyst-password")   # a local demo account, nothing real behind it
DEMO_MASTER = "jin-demo-master-password"                # guards only the demo's own QGIS profile
CSPS = {   # community safety partnership areas (district codes), as zones
    "South Nottinghamshire CSP": "E07000172,E07000173,E07000176",
    "Mansfield and Ashfield CSP": "E07000170,E07000174",
    "Bassetlaw, Newark and Sherwood CSP": "E07000171,E07000175",
    "Nottingham Crime and Drugs Partnership": "E06000018",
}


def run(title: str, *module_args: str, stdin: str | None = None) -> None:
    """Run one step as its own process, showing its output; stop the demo if it fails.

    Separate processes also keep the hub's GDAL (pyogrio's wheel) out of the QGIS process.
    """
    print(f"$ {title} {' '.join(module_args[2:])}", flush=True)
    subprocess.run([sys.executable, *module_args], check=True, cwd=ROOT, input=stdin, text=True)


def build_hub(out: Path, seed: int, scale: float) -> Path:
    """Generate the four partners' extracts and publish them into a fresh hub database."""
    extracts = out / "extracts"
    run("synthetic extracts", "-m", "jin_hub.demo.synth", "--out", str(extracts), "--seed", str(seed),
        "--scale", str(scale))
    db = out / "hub.sqlite"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    for level, file in BOUNDARY_FILES.items():
        run("jin-hub", "-m", "jin_hub", "--db", str(db), "load-boundaries", str(file), "--geography", level)
    run("jin-hub", "-m", "jin_hub", "--db", str(db), "load-denominators", str(extracts / "population_oa_synthetic.csv"),
        "--geography", "oa")
    for dataset in ALL_DATASETS:
        run("jin-hub", "-m", "jin_hub", "--db", str(db), "ingest", dataset, str(extracts / f"{dataset}.csv"))
    admin = ("-m", "jin_hub", "--db", str(db))
    run("jin-hub", *admin, "agencies", "add", "notts-police", "Nottinghamshire Police")
    run("jin-hub", *admin, "users", "add", DEMO_USER[0], "--agency", "notts-police", "--password-stdin",
        stdin=DEMO_USER[1] + "\n")
    run("jin-hub", *admin, "grants", "add", "notts-police", "police_crime", "--protocol",
        "Nottinghamshire community safety information sharing protocol")
    for name, districts in CSPS.items():
        run("jin-hub", *admin, "zones", "add", name, "--kind", "csp", "--areas", districts)
    if realdata.available():             # the real police.uk download, 2021 areas and Census 2021
        for command in realdata.commands() + realdata.reference_2011():
            run("jin-hub", *admin, *command)
    else:
        print(f"no real data at {realdata.folder()} (set JIN_REALDATA): the map shows synthetic data", flush=True)
    return db


def sign_in(hub_url: str, folder: Path, gui: bool = False):
    """Start headless QGIS with everything it writes (profile, settings, caches) in ``folder``, never
    in your own profile, and give it a Basic authcfg for the demo analyst, as an analyst sets it up
    once in Settings ▸ Options ▸ Authentication. Returns (app, authcfg id).

    Call it before any other QGIS use, imports that make QGIS objects included: Qt fixes where its
    settings and caches go at their first use."""
    from qgis.core import QgsApplication

    from jin_plugin.core import qgis_profile
    from jin_plugin.core.auth import basic_config

    qgis_profile.use_own_folder(folder)
    qgis_profile.quiet_auth_debug()                      # setting the master password prints its hash
    app = QgsApplication([], gui)
    app.initQgis()
    qgis_profile.check_own_folder(folder)                # before a password or sign-in is stored
    QgsApplication.authManager().setMasterPassword(DEMO_MASTER, True)
    return app, basic_config("JiN demo hub", *DEMO_USER, url=hub_url)


def map_from_hub(hub_url: str, out: Path) -> Path:
    """What an analyst's QGIS does: fetch the latest 12 months of real recorded crime per 1,000
    residents by LSOA 2021 (synthetic crime's latest month without the real data), theme it,
    render it."""
    os.environ["JIN_CACHE_DIR"] = str(out / "plugin_cache")
    app, authcfg = sign_in(hub_url, out / "qgis_profile")       # the demo's own QGIS folder, not yours
    # plugin code only after sign_in: QGIS must have started in its own folder before anything of it runs
    from jin_plugin.core.hub_client import HubClient
    from jin_plugin.core.layers import ONS_ATTRIBUTION
    from jin_plugin.core.model import default_period
    from jin_plugin.core.workflow import fetch_layer_blocking, render_png

    try:
        started = time.perf_counter()
        real = realdata.available()
        if real:
            entry = next(d for d in HubClient(hub_url, authcfg).catalogue() if d["id"] == "police_uk_crime")
            layer = fetch_layer_blocking(hub_url, "police_uk_crime", "lsoa21", default_period(entry), authcfg=authcfg,
                                         measure="rate")
        else:
            layer = fetch_layer_blocking(hub_url, "police_crime", authcfg=authcfg)
        elapsed = time.perf_counter() - started
        statuses = [f["status"] for f in layer.getFeatures()]
        print(f"fetched '{layer.name()}': {layer.featureCount()} areas in {layer.crs().authid()} "
              f"in {elapsed:.2f} s ({statuses.count('suppressed')} suppressed, {statuses.count('zero')} zero, "
              f"{statuses.count('no_data')} no data)")
        credits = realdata.ATTRIBUTION if real else f"Synthetic demo data, not real crime. {ONS_ATTRIBUTION}"
        png = render_png([layer], out / "jin_demo_map.png", title=layer.name(), credits=credits)
        del layer
    finally:
        app.exitQgis()
    return png


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the JiN demo hub and map it through the plugin.")
    parser.add_argument("--out", type=Path, default=ROOT / "var/demo", help="working folder (default var/demo)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = a realistic year of county crime")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    for fresh in ("plugin_cache", "qgis_profile"):        # a cold fetch, as on a new PC
        if (out / fresh).exists():
            shutil.rmtree(out / fresh)
    db = build_hub(out, args.seed, args.scale)
    hub = start_hub(db, cwd=ROOT)
    print(f"hub serving {db} on {hub.url}", flush=True)
    try:
        png = map_from_hub(hub.url, out)
    finally:
        hub.stop()
    run("jin-hub", "-m", "jin_hub", "--db", str(db), "audit", "list", "--limit", "5")
    print(f"map written to {png}")


if __name__ == "__main__":
    main()
