"""Your own data beside JiN's, on this PC only: join a local table to a JiN layer by area code,
count your own points (incidents, patrol logs) in JiN areas, and export a layer with its style and
metadata. Nothing here talks to the hub."""

from __future__ import annotations

import csv
from collections import Counter
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
from .layers import STATUS_NO_DATA, STATUS_VALUE, STATUS_ZERO, bng
from .safe_names import safe_field_names
from .symbology import STYLE_NAME, apply_choropleth


class LocalDataError(ValueError):
    """Local data cannot be joined or counted; the message says why."""


#: what each area's local value means (value, zero, no data), beside JiN's own ``status``
LOCAL_STATUS = "local_status"
_SHOWN = 8                                                        # unmatched codes named in a message


@dataclass
class Report:
    """What happened to every input row or point."""

    matched: int = 0                                              # areas given a row (or points counted)
    unmatched_codes: list[str] = field(default_factory=list)      # in the local table, not among the areas
    areas_without_data: int = 0
    outside: int = 0                                              # points in no area
    no_geometry: int = 0
    rows: int = 0                                                 # rows in the local table
    rows_matched: int = 0
    duplicate_codes: list[str] = field(default_factory=list)      # the later row is the one joined

    def join_summary(self) -> str:
        """The join in plain words: rows matched, and a few of the codes that did not."""
        text = tr("{matched} of {rows} table rows joined to {areas} areas.").format(
            matched=self.rows_matched, rows=self.rows, areas=self.matched)
        if self.unmatched_codes:
            shown = ", ".join(self.unmatched_codes[:_SHOWN]) + ("…" if len(self.unmatched_codes) > _SHOWN else "")
            text += " " + tr("{n} row(s) match no area (check for typos or codes outside the county): {codes}"
                             ).format(n=self.rows - self.rows_matched, codes=shown)
        else:
            text += " " + tr("Every code in the table matched.")
        if self.duplicate_codes:
            text += " " + tr("Codes on more than one row (the last row is used): {codes}").format(
                codes=", ".join(self.duplicate_codes[:_SHOWN]))
        return text


def normalise_code(value) -> str:
    """``' e01 013810 '`` -> ``E01013810``: codes typed or exported by hand still match."""
    return "" if value is None or value == NULL else "".join(str(value).split()).upper()


def status_of_local(value) -> str:
    """What a local value means on the map: no data, a true zero, or a value to classify."""
    if value is None or value == NULL:
        return STATUS_NO_DATA
    return STATUS_ZERO if value == 0 else STATUS_VALUE


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


def _themed(layer: QgsVectorLayer, areas: QgsVectorLayer, value_field: Optional[str],
            aliases: Optional[dict[str, str]] = None) -> QgsVectorLayer:
    """Give a result the areas' JiN theme on ``value_field`` (zero and no data in the legend) and
    the headers as aliases, saved as the file's default style; the file is reopened with it, as a
    project or Processing would (and as saving the style leaves the first connection unreadable)."""
    for name, alias in (aliases or {}).items():
        layer.setFieldAlias(layer.fields().indexOf(name), alias)
    layer.setCustomProperty("jin/theme", areas.customProperty("jin/theme", ""))
    if value_field is not None:
        apply_choropleth(layer, value_field, status=LOCAL_STATUS)
    error = layer.saveStyleToDatabase(STYLE_NAME, tr("JiN theme"), True, "")
    if error:
        raise LocalDataError(tr("could not save the style in {path}: {error}").format(
            path=layer.source().split("|")[0], error=error))
    return QgsVectorLayer(layer.source(), layer.name(), "ogr")


def join_table(areas: QgsVectorLayer, table: QgsVectorLayer, table_code: str, path: Path,
               area_code: str = "area_code", prefix: str = "local_") -> tuple[QgsVectorLayer, Report]:
    """The JiN areas with the table's columns added under safe names (``prefix`` + header, the
    header kept as alias), matched on area code whatever its case or spacing; themed on the first
    numeric column."""
    if table.fields().indexOf(table_code) < 0:
        raise LocalDataError(tr("the table has no column '{column}': choose the column holding area codes "
                                "({columns})").format(column=table_code, columns=", ".join(table.fields().names())))
    report = Report()
    rows: dict[str, list] = {}
    written: dict[str, str] = {}                                  # normalised code -> as in the table
    per_code: Counter = Counter()
    for f in table.getFeatures():
        code = normalise_code(f[table_code])
        report.rows += 1
        per_code[code] += 1
        if per_code[code] == 2 and code:
            report.duplicate_codes.append(code)
        rows[code] = [None if v == NULL else v for v in f.attributes()]
        written[code] = str(f[table_code]).strip() if code else tr("(no code)")
    headers = table.fields().names()
    names = safe_field_names(headers, prefix, [*areas.fields().names(), LOCAL_STATUS])
    fields = QgsFields(areas.fields())
    for name, source in zip(names, table.fields()):
        fields.append(QgsField(name, source.type()))
    fields.append(QgsField(LOCAL_STATUS, STRING))
    themed = next((i for i, fld in enumerate(table.fields()) if fld.isNumeric() and fld.name() != table_code), None)
    out, seen = [], set()
    for f in areas.getFeatures():
        code = normalise_code(f[area_code])
        feature = QgsFeature(fields)
        feature.setGeometry(f.geometry())
        values = rows.get(code)
        seen.add(code)
        report.matched += values is not None
        report.areas_without_data += values is None
        status = (STATUS_NO_DATA if values is None else STATUS_VALUE) if themed is None else \
            status_of_local(values[themed] if values else None)
        feature.setAttributes(list(f.attributes()) + (values or [None] * len(names)) + [status])
        out.append(feature)
    report.rows_matched = sum(n for code, n in per_code.items() if code in seen)
    report.unmatched_codes = sorted(written[c] for c in rows if c not in seen)
    layer = _write(path, fields, out, "joined")
    return _themed(layer, areas, None if themed is None else names[themed], dict(zip(names, headers))), report


def count_points(areas: QgsVectorLayer, points: QgsVectorLayer, path: Path, per: int = 1000,
                 base_field: Optional[str] = "base") -> tuple[QgsVectorLayer, Report]:
    """How many of ``points`` fall in each area, and a rate per ``per`` of ``base_field`` (the JiN
    layer's denominator) where the area has one; themed on the count."""
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
                       ("local_count", INT), ("local_rate", DOUBLE), (LOCAL_STATUS, STRING)):
        fields.append(QgsField(name, kind))
    out = []
    for f, n in zip(area_list, counts):
        feature = QgsFeature(fields)
        feature.setGeometry(f.geometry())
        base = f[base_field] if has_base else None
        rate = round(n / float(base) * per, 2) if base not in (None, NULL) and float(base) > 0 else None
        name = f["area_name"] if areas.fields().indexOf("area_name") >= 0 else ""
        feature.setAttributes([f["area_code"], name, n, rate, status_of_local(n)])
        out.append(feature)
    return _themed(_write(path, fields, out, "local_counts"), areas, "local_count"), report




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
    copy.saveStyleToDatabase(STYLE_NAME, tr("JiN theme"), True, "")
    return copy
