"""Your own data beside JiN's, on this PC only: join a local table to a JiN layer by area code,
count your own points (incidents, patrol logs) in JiN areas, and export a layer with its style and
metadata. Nothing here talks to the hub."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import quote

from qgis.core import (
    NULL,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
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


@dataclass
class Plan:
    """A result read from the layers on the GUI thread (layers are not thread-safe): ``build`` makes
    and writes it anywhere (a task's worker), ``open_result`` opens and themes it on the GUI thread."""

    path: Path
    name: str                                                     # the layer's name in the GeoPackage
    fields: QgsFields
    make: Callable[[Report, Callable[[], bool]], list[QgsFeature]]  # (report, stop?): plain data, any thread
    context: QgsCoordinateTransformContext
    theme: str
    value_field: Optional[str] = None                             # themed on this; None: left plain
    aliases: dict[str, str] = field(default_factory=dict)


def build(plan: Plan, stop: Callable[[], bool] = lambda: False) -> Report:
    """Make the result's features and write them to ``plan.path``; no layer is touched. Raises
    InterruptedError, with nothing written, as soon as ``stop()`` holds."""
    report = Report()
    features = plan.make(report, stop)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", plan.name
    writer = QgsVectorFileWriter.create(str(plan.path), plan.fields, WKB_MULTIPOLYGON, bng(), plan.context, options)
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise LocalDataError(tr("could not write {path}: {error}; check the folder is writable").format(
            path=plan.path, error=writer.errorMessage()))
    for f in features:
        writer.addFeature(f)
    del writer
    return report


def open_result(plan: Plan) -> QgsVectorLayer:
    """The written result in the areas' JiN theme on its value field (zero and no data in the legend)
    with the headers as aliases, saved as the file's default style; the file is then reopened with
    it, as a project or Processing would (saving the style leaves the first connection unreadable)."""
    layer = QgsVectorLayer(f"{plan.path}|layername={plan.name}", plan.name, "ogr")
    if not layer.isValid():
        raise LocalDataError(tr("could not write {path}: check the folder is writable").format(path=plan.path))
    for name, alias in plan.aliases.items():
        layer.setFieldAlias(layer.fields().indexOf(name), alias)
    layer.setCustomProperty("jin/theme", plan.theme)
    if plan.value_field is not None:
        apply_choropleth(layer, plan.value_field, status=LOCAL_STATUS)
    error = layer.saveStyleToDatabase(STYLE_NAME, tr("JiN theme"), True, "")
    if error:
        raise LocalDataError(tr("could not save the style in {path}: {error}").format(path=plan.path, error=error))
    return QgsVectorLayer(layer.source(), layer.name(), "ogr")


def _plan(areas: QgsVectorLayer, path: Path, name: str, fields: QgsFields,
          make: Callable[[Report, Callable[[], bool]], list[QgsFeature]], value_field: Optional[str],
          aliases: Optional[dict[str, str]] = None) -> Plan:
    return Plan(path, name, fields, make, QgsProject.instance().transformContext(),
                str(areas.customProperty("jin/theme", "") or ""), value_field, aliases or {})


def plan_join(areas: QgsVectorLayer, table: QgsVectorLayer, table_code: str, path: Path,
              area_code: str = "area_code", prefix: str = "local_") -> Plan:
    """The JiN areas with the table's columns added under safe names (``prefix`` + header, the
    header kept as alias), matched on area code whatever its case or spacing; themed on the first
    numeric column."""
    if table.fields().indexOf(table_code) < 0:
        raise LocalDataError(tr("the table has no column '{column}': choose the column holding area codes "
                                "({columns})").format(column=table_code, columns=", ".join(table.fields().names())))
    table_rows = [(f[table_code], [None if v == NULL else v for v in f.attributes()]) for f in table.getFeatures()]
    area_list = [QgsFeature(f) for f in areas.getFeatures()]
    code_at = areas.fields().indexOf(area_code)
    headers = table.fields().names()
    names = safe_field_names(headers, prefix, [*areas.fields().names(), LOCAL_STATUS])
    fields = QgsFields(areas.fields())
    for name, source in zip(names, table.fields()):
        fields.append(QgsField(name, source.type()))
    fields.append(QgsField(LOCAL_STATUS, STRING))
    themed = next((i for i, fld in enumerate(table.fields()) if fld.isNumeric() and fld.name() != table_code), None)

    def make(report: Report, stop: Callable[[], bool]) -> list[QgsFeature]:
        rows: dict[str, list] = {}
        written: dict[str, str] = {}                              # normalised code -> as in the table
        per_code: Counter = Counter()
        for raw, values in table_rows:
            code = normalise_code(raw)
            report.rows += 1
            per_code[code] += 1
            if per_code[code] == 2 and code:
                report.duplicate_codes.append(code)
            rows[code] = values
            written[code] = str(raw).strip() if code else tr("(no code)")
        out, seen = [], set()
        for f in area_list:
            if stop():
                raise InterruptedError
            code = normalise_code(f.attributes()[code_at])
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
        return out

    return _plan(areas, path, "joined", fields, make, None if themed is None else names[themed],
                 dict(zip(names, headers)))


def plan_count(areas: QgsVectorLayer, points: QgsVectorLayer, path: Path, per: int = 1000,
               base_field: Optional[str] = "base") -> Plan:
    """How many of ``points`` fall in each area, and a rate per ``per`` of ``base_field`` (the JiN
    layer's denominator) where the area has one; themed on the count."""
    transform = QgsCoordinateTransform(points.crs(), areas.crs(), QgsProject.instance())
    area_list = list(areas.getFeatures())
    geometries = [p.geometry() for p in points.getFeatures()]
    has_base = base_field is not None and areas.fields().indexOf(base_field) >= 0
    has_name = areas.fields().indexOf("area_name") >= 0
    fields = QgsFields()
    for name, kind in (("area_code", STRING), ("area_name", STRING),
                       ("local_count", INT), ("local_rate", DOUBLE), (LOCAL_STATUS, STRING)):
        fields.append(QgsField(name, kind))

    def make(report: Report, stop: Callable[[], bool]) -> list[QgsFeature]:
        index = QgsSpatialIndex()
        for i, f in enumerate(area_list):
            g = QgsFeature(f)
            g.setId(i)
            index.addFeature(g)
        counts = [0] * len(area_list)
        for geom in geometries:
            if stop():
                raise InterruptedError
            if geom.isNull() or geom.isEmpty():
                report.no_geometry += 1
                continue
            geom.transform(transform)
            point = geom.centroid() if geom.type() != GEOMETRY_POINT else geom
            hit = next((i for i in index.intersects(point.boundingBox())
                        if area_list[i].geometry().intersects(point)), None)
            if hit is None:
                report.outside += 1
            else:
                counts[hit] += 1
                report.matched += 1
        out = []
        for f, n in zip(area_list, counts):
            feature = QgsFeature(fields)
            feature.setGeometry(f.geometry())
            base = f[base_field] if has_base else None
            rate = round(n / float(base) * per, 2) if base not in (None, NULL) and float(base) > 0 else None
            feature.setAttributes([f["area_code"], f["area_name"] if has_name else "", n, rate, status_of_local(n)])
            out.append(feature)
        return out

    return _plan(areas, path, "local_counts", fields, make, "local_count")


def join_table(areas: QgsVectorLayer, table: QgsVectorLayer, table_code: str, path: Path,
               area_code: str = "area_code", prefix: str = "local_") -> tuple[QgsVectorLayer, Report]:
    """``plan_join`` built and opened in one go (Processing, scripts)."""
    plan = plan_join(areas, table, table_code, path, area_code, prefix)
    report = build(plan)
    return open_result(plan), report


def count_points(areas: QgsVectorLayer, points: QgsVectorLayer, path: Path, per: int = 1000,
                 base_field: Optional[str] = "base") -> tuple[QgsVectorLayer, Report]:
    """``plan_count`` built and opened in one go (Processing, scripts)."""
    plan = plan_count(areas, points, path, per, base_field)
    report = build(plan)
    return open_result(plan), report


def export_layer(layer: QgsVectorLayer, path: Path,
                 transform_context: Optional[QgsCoordinateTransformContext] = None) -> QgsVectorLayer:
    """A copy of ``layer`` as a GeoPackage carrying its style (as the default) and its metadata. Reads
    the layer's renderer and metadata: off the main thread, pass a ``clone()`` of a project layer (made
    on the main thread), never the project layer itself, which a re-class may change meanwhile."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", "jin"
    options.layerMetadata = layer.metadata()
    options.saveMetadata = True
    error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), transform_context or QgsProject.instance().transformContext(), options)
    if error != QgsVectorFileWriter.WriterError.NoError:
        raise LocalDataError(tr("could not export to {path}: {error}").format(path=path, error=message))
    copy = QgsVectorLayer(f"{path}|layername=jin", layer.name(), "ogr")
    copy.setRenderer(layer.renderer().clone())
    copy.saveStyleToDatabase(STYLE_NAME, tr("JiN theme"), True, "")
    return copy
