"""Build JiN area layers: cached boundaries joined to published values, written as a GeoPackage.

A GeoPackage (not a memory layer) so that a saved project reopens with its JiN layers, offline
included. Fields come in the order analysts join on: ONS area code and name first.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeedback,
    QgsField,
    QgsFields,
    QgsLayerMetadata,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from .model import LayerRequest, layer_name

BNG = QgsCoordinateReferenceSystem("EPSG:27700")
ONS_ATTRIBUTION = ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
                   "Contains OS data © Crown copyright and database right.")

#: status values: what a feature's count means
STATUS_VALUE, STATUS_ZERO, STATUS_SUPPRESSED, STATUS_NO_DATA = "value", "zero", "suppressed", "no_data"

_FIELDS = [
    ("area_code", QVariant.String), ("area_name", QVariant.String),
    ("district_code", QVariant.String), ("district_name", QVariant.String),
    ("dataset", QVariant.String), ("period", QVariant.String), ("category", QVariant.String),
    ("count", QVariant.Int), ("suppressed", QVariant.Int), ("status", QVariant.String),
    ("rate", QVariant.Double), ("base", QVariant.Double),
]


class LayerBuildError(Exception):
    """The cached boundaries or the values could not be turned into a layer."""


def layer_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in _FIELDS:
        fields.append(QgsField(name, kind))
    return fields


def status_of(value: Optional[tuple]) -> str:
    """Status of an area given its (count, suppressed, rate, base) from the hub, or None if absent."""
    if value is None:
        return STATUS_NO_DATA
    count, suppressed = value[:2]
    if suppressed:
        return STATUS_SUPPRESSED
    return STATUS_ZERO if count == 0 else STATUS_VALUE


def write_layer(boundaries: Path, values: dict, request: LayerRequest, out_path: Path,
                feedback: Optional[QgsFeedback] = None, only: Optional[set[str]] = None) -> int:
    """Join ``values`` (the hub's values document) onto ``boundaries`` and write ``out_path``
    (only the areas in ``only`` when given: a zone's).

    Returns the feature count. Writes to a temporary file renamed into place at the end, so a
    cancelled or failed build leaves any previous file untouched and no partial file behind.
    """
    source = QgsVectorLayer(str(boundaries), "boundaries", "ogr")
    if not source.isValid():
        raise LayerBuildError(f"The cached boundaries {boundaries} cannot be read: delete the file and fetch again.")
    col = {name: i for i, name in enumerate(values["fields"])}
    by_code = {row[0]: (row[col["count"]], row[col["suppressed"]], row[col["rate"]] if "rate" in col else None,
                        row[col["base"]] if "base" in col else None)
               for row in values["rows"]}
    tmp = out_path.with_name(out_path.stem + ".part.gpkg")
    if tmp.exists():
        tmp.unlink()
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "jin"
    options.fileEncoding = "UTF-8"
    writer = QgsVectorFileWriter.create(str(tmp), layer_fields(), QgsWkbTypes.MultiPolygon, BNG,
                                        QgsCoordinateTransformContext(), options)
    if writer.hasError() != QgsVectorFileWriter.NoError:
        raise LayerBuildError(f"Cannot write {tmp}: {writer.errorMessage()}. Check there is disk space and the "
                              "JiN cache folder is writable.")
    n = 0
    total = max(1, source.featureCount())
    try:
        for feat in source.getFeatures():
            if feedback is not None and feedback.isCanceled():
                return 0
            code = feat["area_code"]
            if only is not None and code not in only:
                continue
            value = by_code.get(code)
            status = status_of(value)
            out = QgsFeature()
            geom = feat.geometry()
            geom.convertToMultiType()
            out.setGeometry(geom)
            count = None if value is None or value[1] else value[0]
            rate = None if value is None or value[1] else value[2]
            base = None if value is None else value[3]
            out.setAttributes([code, feat["area_name"], feat["district_code"], feat["district_name"],
                               values["dataset"], values["period"], values["category"], count,
                               None if value is None else int(bool(value[1])), status, rate, base])
            writer.addFeature(out)
            n += 1
            if feedback is not None and n % 500 == 0:
                feedback.setProgress(100.0 * n / total)
    finally:
        del writer                      # closes the file
        if feedback is not None and feedback.isCanceled() and tmp.exists():
            tmp.unlink()
    os.replace(tmp, out_path)
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
    md.setTitle(layer_name(entry, request_of(info), info["period"]))
    md.setAbstract(f"{entry['description']}\n\nDisclosure control: {entry['disclosure']['rule']}")
    md.setLicenses([entry.get("licence", "")])
    md.setRights([f"{entry.get('partner', '')} via the JiN hub", ONS_ATTRIBUTION])
    md.setKeywords({"JiN": list(entry.get("keywords", []))})
    md.setCrs(BNG)
    md.setHistory([
        f"Fetched {info['fetched']} from the JiN hub {info['hub_url']}",
        f"Dataset {info['dataset']}, release {info['release']}, geography {info['geography']}, "
        f"period {info['period']}, category {info['category']}",
        f"Disclosure rule: {entry['disclosure']['rule']}",
    ])
    return md


def open_layer(out_path: Path) -> QgsVectorLayer:
    """Open a cached JiN layer with its readable name and metadata (works offline)."""
    info = json.loads(out_path.with_suffix(".json").read_text(encoding="utf-8"))
    request = request_of(info)
    layer = QgsVectorLayer(f"{out_path}|layername=jin", layer_name(info["entry"], request, info["period"]), "ogr")
    if not layer.isValid():
        raise LayerBuildError(f"The cached layer {out_path} cannot be opened: delete it and fetch again.")
    layer.setMetadata(metadata_for(info))
    layer.setCustomProperty("jin/hub_url", info["hub_url"])
    layer.setCustomProperty("jin/request", json.dumps(asdict(request)))
    layer.setCustomProperty("jin/release_created", info["entry"]["release"].get("created", ""))
    layer.setCustomProperty("jin/release", info["release"])
    layer.setCustomProperty("jin/fetched", info["fetched"])
    layer.setCustomProperty("jin/threshold", info["entry"]["disclosure"].get("threshold", 5))
    layer.setCustomProperty("jin/theme", info["entry"].get("theme", ""))
    layer.setCustomProperty("jin/disclosure_method", info["entry"]["disclosure"].get("method", "suppression"))
    rate = info["entry"].get("rate") or {}
    layer.setCustomProperty("jin/rate_label", rate.get("label", ""))
    return layer
