"""Build JiN area layers: cached boundaries joined to published values, written as a GeoPackage.

A GeoPackage (not a memory layer) so that a saved project reopens with its JiN layers, offline
included. Fields come in the order analysts join on: ONS area code and name first. Geometry is
encoded once per boundary version, into a template GeoPackage (GDAL, in C); each layer is a copy of
it with the values written in by SQL, so switching dataset, period or category costs about as much
as QGIS opening a local file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import asdict
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional, Union

from osgeo import gdal
from qgis.core import QgsCoordinateReferenceSystem, QgsFeedback, QgsLayerMetadata, QgsVectorLayer

from ..i18n import tr
from .compat import DOUBLE, INT, STRING
from .field_display import make_readable
from .model import LayerRequest, layer_name, layer_title, quality_flags

BNG_AUTHID = "EPSG:27700"


def bng() -> QgsCoordinateReferenceSystem:
    """British National Grid, made when first needed: a CRS made at import time has QGIS write its
    settings and caches before a caller could choose where (the demo's own profile)."""
    return QgsCoordinateReferenceSystem(BNG_AUTHID)
ONS_ATTRIBUTION = ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
                   "Contains OS data © Crown copyright and database right.")

#: status values: what a feature's count means
STATUS_VALUE, STATUS_ZERO, STATUS_SUPPRESSED, STATUS_NO_DATA = "value", "zero", "suppressed", "no_data"

_FIELDS = [
    ("area_code", STRING), ("area_name", STRING),
    ("district_code", STRING), ("district_name", STRING),
    ("dataset", STRING), ("period", STRING), ("category", STRING),
    ("count", INT), ("suppressed", INT), ("status", STRING),
    ("rate", DOUBLE), ("base", DOUBLE),
]


class LayerBuildError(Exception):
    """The cached boundaries or the values could not be turned into a layer."""


def status_of(value: Optional[tuple]) -> str:
    """Status of an area given its (count, suppressed, rate, base) from the hub, or None if absent."""
    if value is None:
        return STATUS_NO_DATA
    count, suppressed = value[:2]
    if suppressed:
        return STATUS_SUPPRESSED
    return STATUS_ZERO if count == 0 else STATUS_VALUE


# ---- the template: boundaries as a GeoPackage with every JiN field, built once per version ----------
#: bump when the template's layout changes, so caches made by older plugins are rebuilt
TEMPLATE_VERSION = 1
_VALUE_FIELDS = [name for name, _ in _FIELDS[4:]]          # from the values, filled in per layer (the
                                                           # first four come with the boundaries)
_OGR_SQL_TYPE = {STRING: "character(0)", INT: "integer", DOUBLE: "float"}


def _template_sql(source_layer: str) -> str:
    """OGR SQL giving the boundaries every JiN field in order, values NULL (no data) until filled in."""
    columns = [f'CAST("{name}" AS {_OGR_SQL_TYPE[kind]}) AS "{name}"' for name, kind in _FIELDS[:4]]
    columns += [f"'{STATUS_NO_DATA}' AS \"{name}\"" if name == "status" else
                f'CAST(NULL AS {_OGR_SQL_TYPE[kind]}) AS "{name}"' for name, kind in _FIELDS[4:]]
    return f'SELECT {", ".join(columns)} FROM "{source_layer}"'


def _gdal_cancel(feedback: Optional[QgsFeedback]):
    """A GDAL progress callback that stops GDAL when ``feedback`` is cancelled."""
    def callback(_complete: float, _message, _data) -> int:
        return 0 if feedback is not None and feedback.isCanceled() else 1
    return callback


def _translate(target: Path, source: Union[str, gdal.Dataset], feedback: Optional[QgsFeedback], **options) -> None:
    """GDAL's VectorTranslate (C speed, spatial index included) of ``source`` into a new GeoPackage
    ``target`` with the JiN layout (layer "jin", MultiPolygons declared EPSG:27700, as the hub serves
    them), stopping if ``feedback`` is cancelled; the caller cleans up."""
    target.unlink(missing_ok=True)
    try:
        done = gdal.VectorTranslate(str(target), source, options=gdal.VectorTranslateOptions(
            format="GPKG", layerName="jin", geometryType="MULTIPOLYGON", dstSRS=BNG_AUTHID, reproject=False,
            callback=_gdal_cancel(feedback), **options))
        error = "" if done is not None else gdal.GetLastErrorMsg()
    except RuntimeError as exc:                          # when something in QGIS turned on gdal.UseExceptions()
        done, error = None, str(exc)
    if done is None and not (feedback is not None and feedback.isCanceled()):
        raise LayerBuildError(tr("Cannot write {path}: {error}. Check there is disk space and the JiN cache folder "
                                 "is writable.").format(path=target, error=error))
    done = None                                           # closes the file


def part_beside(path: Path, suffix: str = ".part.gpkg") -> Path:
    """A new temporary file beside ``path`` to build it under before renaming it into place (its own,
    so two fetches of one file never write into each other's; ``suffix`` keeps what GDAL reads by)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem + ".", suffix=suffix)
    os.close(fd)
    return Path(tmp)


def build_template(boundaries: Path, out_path: Path, feedback: Optional[QgsFeedback] = None) -> bool:
    """Convert the cached GeoJSON ``boundaries`` into the layer template ``out_path``: every JiN field
    (values NULL), MultiPolygons in EPSG:27700 and a spatial index, so each layer is then a file copy
    and one pass of SQL updates instead of re-encoding every geometry.

    Returns False if cancelled (nothing left behind); raises ``LayerBuildError`` on failure.
    """
    if feedback is not None and feedback.isCanceled():
        return False
    source = gdal.OpenEx(str(boundaries), gdal.OF_VECTOR)
    if source is None or source.GetLayerCount() != 1:
        raise LayerBuildError(tr("The cached boundaries {path} cannot be read: delete the file and fetch again.")
                              .format(path=boundaries))
    tmp = part_beside(out_path)
    try:
        _translate(tmp, source, feedback, SQLStatement=_template_sql(source.GetLayer(0).GetName()))
        if feedback is not None and feedback.isCanceled():
            return False
        os.replace(tmp, out_path)
        return True
    finally:
        source = None
        tmp.unlink(missing_ok=True)


def _without_triggers(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop ``table``'s triggers, returning the SQL to re-create them.

    GDAL's spatial index triggers call SpatiaLite-style functions (ST_IsEmpty ...) that Python's
    sqlite3 lacks, and SQLite prepares every UPDATE trigger of a table whatever columns change.
    Our updates never touch the geometry, so the index stays right; the triggers come back for QGIS.
    """
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                            (table,)).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [sql for _, sql in triggers]


def _value_rows(values: dict, fids: dict[str, int]) -> list[tuple]:
    """UPDATE parameters (``_VALUE_FIELDS`` then fid) for each area of the values that the layer has."""
    col = {name: i for i, name in enumerate(values["fields"])}
    rate, base = col.get("rate"), col.get("base")
    head = (values["dataset"], values["period"], values["category"])
    rows = []
    for row in values["rows"]:
        fid = fids.get(row[0])
        if fid is None:
            continue
        value = (row[col["count"]], row[col["suppressed"]], None if rate is None else row[rate],
                 None if base is None else row[base])
        withheld = bool(value[1])
        rows.append((*head, None if withheld else value[0], int(withheld), status_of(value),
                     None if withheld else value[2], value[3], fid))
    return rows


def _fids(conn: sqlite3.Connection) -> dict[str, int]:
    """Area code → fid of the layer."""
    return dict(conn.execute("SELECT area_code, fid FROM jin"))


@lru_cache(maxsize=8)
def _cached_fids(path: Path, _version: tuple) -> dict[str, int]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return _fids(conn)


def _template_fids(path: Path) -> dict[str, int]:
    """Area code → fid of a template, read once per template file (a template never changes: a new
    boundary version gets a new file), not on every layer."""
    stat = path.stat()
    return _cached_fids(path, (stat.st_size, stat.st_mtime_ns))


def _fill(path: Path, values: dict, fids: Optional[dict[str, int]] = None) -> int:
    """Write ``values`` into the layer at ``path`` (a fresh copy of a template whose area code → fid
    is ``fids``, else read here) in one transaction; returns its feature count. Areas the values do not
    list keep status "no_data"."""
    assignments = ", ".join(f'"{name}" = ?' for name in _VALUE_FIELDS)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = OFF")           # a temporary file, renamed into place when whole
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        triggers = _without_triggers(conn, "jin")
        fids = fids if fids is not None else _fids(conn)
        conn.executemany(f"UPDATE jin SET {assignments} WHERE fid = ?", _value_rows(values, fids))
        conn.execute('UPDATE jin SET "dataset" = ?, "period" = ?, "category" = ? WHERE "dataset" IS NULL',
                     (values["dataset"], values["period"], values["category"]))
        for sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    return len(fids)


def write_layer(template: Path, values: dict, out_path: Path, feedback: Optional[QgsFeedback] = None,
                only: Optional[set[str]] = None, progress: Optional[Callable[[float], None]] = None) -> int:
    """Join ``values`` (the hub's values document) onto the layer ``template`` and write ``out_path``
    (only the areas in ``only`` when given: a zone's).

    Returns the feature count, 0 if cancelled. The template is copied (GDAL copies a zone's areas, with
    their own spatial index and extent), then the values go in with one pass of SQL updates: no
    geometry is decoded or re-encoded. Written to a temporary file renamed into place at the end, so
    a cancelled or failed build leaves any previous file untouched and no partial file behind.
    """
    tmp = part_beside(out_path)
    try:
        fids = None
        if only is None:
            shutil.copyfile(template, tmp)
            fids = _template_fids(template)
        else:
            codes = ",".join("'" + code.replace("'", "''") + "'" for code in sorted(only)) or "''"
            _translate(tmp, str(template), None, where=f"area_code IN ({codes})")    # a zone: small and quick
        if progress is not None:
            progress(50)
        if feedback is not None and feedback.isCanceled():
            return 0
        n = _fill(tmp, values, fids)
        if feedback is not None and feedback.isCanceled():
            return 0
        os.replace(tmp, out_path)
    except (OSError, sqlite3.Error) as exc:
        raise LayerBuildError(tr("Cannot write {path}: {error}. Check there is disk space and the JiN cache folder "
                                 "is writable.").format(path=out_path, error=exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return n


def write_sidecar(out_path: Path, entry: dict, request: LayerRequest, values: dict, hub_url: str) -> dict:
    """Provenance saved beside the GeoPackage, so a cached layer reopens with full metadata offline."""
    info = {
        "hub_url": hub_url, "dataset": request.dataset, "geography": request.geography,
        "period": values["period"], "category": request.category, "measure": request.measure,
        "zone": request.zone, "zone_name": request.zone_name,
        "release": values["release"],
        "fetched": datetime.now(timezone.utc).isoformat(timespec="seconds"), "entry": entry,
    }
    out_path.with_suffix(".json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def request_of(info: dict) -> LayerRequest:
    """The request a cached layer's provenance describes."""
    return LayerRequest(info["dataset"], info["geography"], info["period"], info["category"],
                        info.get("measure", "count"), info.get("zone"), info.get("zone_name", ""))


def metadata_for(info: dict) -> QgsLayerMetadata:
    """QgsLayerMetadata (abstract, licence, attribution, provenance) so exported files carry it."""
    entry = info["entry"]
    md = QgsLayerMetadata()
    md.setIdentifier(f"{info['dataset']}/{info['geography']}/{info['period']}/{info['category']}")
    md.setTitle(layer_title(entry, request_of(info), info["period"]))
    flags = quality_flags(entry, info["period"], info["category"])
    warnings = "\n\n" + tr("Data-quality warnings:") + "".join(f"\n- {f['note']}" for f in flags) if flags else ""
    md.setAbstract(f"{entry['description']}\n\nDisclosure control: {entry['disclosure']['rule']}{warnings}")
    md.setLicenses([entry.get("licence", "")])
    md.setRights([f"{entry.get('partner', '')} via the JiN hub", *filter(None, [entry.get("attribution")]),
                  ONS_ATTRIBUTION])
    md.setKeywords({"JiN": list(entry.get("keywords", []))})
    md.setCrs(bng())
    md.setHistory([
        f"Fetched {info['fetched']} from the JiN hub {info['hub_url']}",
        f"Dataset {info['dataset']}, release {info['release']}, geography {info['geography']}, "
        f"period {info['period']}, category {info['category']}",
        f"Disclosure rule: {entry['disclosure']['rule']}",
    ])
    return md


def provenance_of(layer: QgsVectorLayer) -> Optional[dict]:
    """The provenance saved beside a cached JiN layer's GeoPackage (None for other layers)."""
    sidecar = Path(layer.source().split("|")[0]).with_suffix(".json")
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def open_layer(out_path: Path) -> QgsVectorLayer:
    """Open a cached JiN layer with its readable name and metadata (works offline)."""
    info = json.loads(out_path.with_suffix(".json").read_text(encoding="utf-8"))
    request = request_of(info)
    layer = QgsVectorLayer(f"{out_path}|layername=jin", layer_name(info["entry"], request, info["period"]), "ogr")
    if not layer.isValid():
        raise LayerBuildError(tr("The cached layer {path} cannot be opened: delete it and fetch again.")
                              .format(path=out_path))
    layer.setMetadata(metadata_for(info))
    layer.setCustomProperty("jin/hub_url", info["hub_url"])
    layer.setCustomProperty("jin/request", json.dumps(asdict(request)))
    layer.setCustomProperty("jin/release_created", info["entry"]["release"].get("created", ""))
    layer.setCustomProperty("jin/release", info["release"])
    layer.setCustomProperty("jin/fetched", info["fetched"])
    layer.setCustomProperty("jin/threshold", info["entry"]["disclosure"].get("threshold", 5))
    layer.setCustomProperty("jin/theme", info["entry"].get("theme", ""))
    layer.setCustomProperty("jin/dataset_title", info["entry"]["title"])
    layer.setCustomProperty("jin/disclosure_method", info["entry"]["disclosure"].get("method", "suppression"))
    rate = info["entry"].get("rate") or {}
    layer.setCustomProperty("jin/rate_label", rate.get("label", ""))
    make_readable(layer, info["entry"], info["period"], rate.get("label", ""))
    indicator = next((i for i in info["entry"].get("indicators", []) if i["id"] == info["category"]), None)
    if indicator is not None:                   # a reference layer: its value field, and which way is worse
        layer.setCustomProperty("jin/indicator", json.dumps(indicator))
    return layer
