"""Your own data beside JiN's, on this PC only: join a local table to a JiN layer by area code,
count your own points (incidents, patrol logs) in JiN areas, and export a layer with its style and
metadata. Nothing here talks to the hub."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from qgis.core import (
    NULL,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsProject,
    QgsSpatialIndex,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from ..i18n import tr
from .compat import DOUBLE, GEOMETRY_POINT, INT, STRING, WKB_MULTIPOLYGON
from .layers import bng


class LocalDataError(ValueError):
    """Local data cannot be joined or counted; the message says why."""


@dataclass
class Report:
    """What happened to every input row or point."""

    matched: int = 0
    unmatched_codes: list[str] = field(default_factory=list)      # in the local table, not among the areas
    areas_without_data: int = 0
    outside: int = 0                                              # points in no area
    no_geometry: int = 0


def _csv_dialect(path: Path) -> tuple[str, str]:
    """(delimiter, encoding) of a CSV as offices save them: comma, semicolon, tab or pipe; UTF-8 or
    Windows-1252."""
    raw = path.read_bytes()[:65536]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        delimiter = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    return delimiter, "UTF-8" if encoding == "utf-8-sig" else "windows-1252"


def open_table(path: Path) -> QgsVectorLayer:
    """A CSV (comma, semicolon, tab or pipe; UTF-8 or Windows-1252), Excel sheet or vector file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        delimiter, encoding = _csv_dialect(path)
        written = "\\t" if delimiter == "\t" else delimiter         # the provider reads "\t" as a tab
        uri = (f"file://{quote(str(path.resolve()))}?type=csv&delimiter={written}&encoding={encoding}"
               "&detectTypes=yes&geomType=none")
        layer = QgsVectorLayer(uri, path.stem, "delimitedtext")
    else:
        layer = QgsVectorLayer(str(path), path.stem, "ogr")
    if not layer.isValid():
        raise LocalDataError(tr("cannot read {name}: check it is a CSV, Excel or GIS file and not open elsewhere")
                             .format(name=path.name))
    return layer


def _write(path: Path, fields: QgsFields, features: list[QgsFeature], name: str) -> QgsVectorLayer:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", name
    writer = QgsVectorFileWriter.create(str(path), fields, WKB_MULTIPOLYGON, bng(),
                                        QgsProject.instance().transformContext(), options)
    for f in features:
        writer.addFeature(f)
    del writer
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not layer.isValid():
        raise LocalDataError(tr("could not write {path}: check the folder is writable").format(path=path))
    return layer


def join_table(areas: QgsVectorLayer, table: QgsVectorLayer, table_code: str, path: Path,
               area_code: str = "area_code", prefix: str = "local_") -> tuple[QgsVectorLayer, Report]:
    """The JiN areas with the table's columns added (``prefix`` + name), matched on area code."""
    if table.fields().indexOf(table_code) < 0:
        raise LocalDataError(tr("the table has no column '{column}': choose the column holding area codes "
                                "({columns})").format(column=table_code, columns=", ".join(table.fields().names())))
    rows: dict[str, list] = {}
    for f in table.getFeatures():
        code = str(f[table_code]).strip()
        rows[code] = [None if v == NULL else v for v in f.attributes()]
    extra = [QgsField(prefix + fld.name(), fld.type()) for fld in table.fields()]
    fields = QgsFields(areas.fields())
    for fld in extra:
        fields.append(fld)
    report = Report()
    out, seen = [], set()
    for f in areas.getFeatures():
        code = str(f[area_code])
        feature = QgsFeature(fields)
        feature.setGeometry(f.geometry())
        values = rows.get(code)
        seen.add(code)
        report.matched += values is not None
        report.areas_without_data += values is None
        feature.setAttributes(list(f.attributes()) + (values or [None] * len(extra)))
        out.append(feature)
    report.unmatched_codes = sorted(set(rows) - seen)
    return _write(path, fields, out, "joined"), report


def count_points(areas: QgsVectorLayer, points: QgsVectorLayer, path: Path, per: int = 1000,
                 base_field: Optional[str] = "base") -> tuple[QgsVectorLayer, Report]:
    """How many of ``points`` fall in each area, and a rate per ``per`` of ``base_field`` (the JiN
    layer's denominator) where the area has one."""
    transform = QgsCoordinateTransform(points.crs(), areas.crs(), QgsProject.instance())
    area_list = list(areas.getFeatures())
    index = QgsSpatialIndex()
    for i, f in enumerate(area_list):
        g = QgsFeature(f)
        g.setId(i)
        index.addFeature(g)
    counts = [0] * len(area_list)
    report = Report()
    for p in points.getFeatures():
        geom = p.geometry()
        if geom.isNull() or geom.isEmpty():
            report.no_geometry += 1
            continue
        geom.transform(transform)
        point = geom.centroid() if geom.type() != GEOMETRY_POINT else geom
        hit = next((i for i in index.intersects(point.boundingBox()) if area_list[i].geometry().intersects(point)),
                   None)
        if hit is None:
            report.outside += 1
        else:
            counts[hit] += 1
            report.matched += 1
    has_base = base_field is not None and areas.fields().indexOf(base_field) >= 0
    fields = QgsFields()
    for name, kind in (("area_code", STRING), ("area_name", STRING),
                       ("local_count", INT), ("local_rate", DOUBLE)):
        fields.append(QgsField(name, kind))
    out = []
    for f, n in zip(area_list, counts):
        feature = QgsFeature(fields)
        feature.setGeometry(f.geometry())
        base = f[base_field] if has_base else None
        rate = round(n / float(base) * per, 2) if base not in (None, NULL) and float(base) > 0 else None
        name = f["area_name"] if areas.fields().indexOf("area_name") >= 0 else ""
        feature.setAttributes([f["area_code"], name, n, rate])
        out.append(feature)
    return _write(path, fields, out, "local_counts"), report


def export_layer(layer: QgsVectorLayer, path: Path) -> QgsVectorLayer:
    """A copy of ``layer`` as a GeoPackage carrying its style (as the default) and its metadata."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", "jin"
    options.layerMetadata = layer.metadata()
    options.saveMetadata = True
    error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options)
    if error != QgsVectorFileWriter.WriterError.NoError:
        raise LocalDataError(tr("could not export to {path}: {error}").format(path=path, error=message))
    copy = QgsVectorLayer(f"{path}|layername=jin", layer.name(), "ogr")
    copy.setRenderer(layer.renderer().clone())
    copy.saveStyleToDatabase("JiN", "JiN theme", True, "")
    return copy
