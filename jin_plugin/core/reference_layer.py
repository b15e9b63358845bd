"""Reference layers (published statistics such as IMD ranks and deciles) from a JiN hub.

One indicator per layer, as a numeric field named after it, on the same cached boundaries as JiN
layers (area code and name first): the Compare tab, the field calculator and any other tool then
take it as they take any area layer. The hub applies no disclosure control to these (they are
published aggregates), so the layer has no count, status or suppression fields.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional

from osgeo import gdal, ogr
from qgis.core import QgsFeedback

from ..i18n import tr
from .hub_client import API, HubBadResponse, HubClient
from .layers import LayerBuildError, _translate, _without_triggers, part_beside
from .model import LayerRequest

THEME = "reference"
AREA_FIELDS = ("area_code", "area_name", "district_code", "district_name")


def is_reference(entry: dict) -> bool:
    """Whether a catalogue entry is a reference dataset (indicators, no counts)."""
    return entry.get("theme") == THEME and bool(entry.get("indicators"))


def indicator_of(entry: dict, category: str) -> dict:
    """The indicator a request's category names; the dataset's first for "all" or an unknown one."""
    return next((i for i in entry["indicators"] if i["id"] == category), entry["indicators"][0])


def resolved(entry: dict, request: LayerRequest) -> LayerRequest:
    """``request`` for one indicator of a reference dataset (no period, no count or rate)."""
    return replace(request, category=indicator_of(entry, request.category)["id"], period=None, measure="value")


def fetch_values(client: HubClient, request: LayerRequest, **kwargs) -> dict:
    """The indicator's values as a values document (fields area_code, value), read from the hub's CSV."""
    reply = client.get(f"{API}/reference/{request.dataset}/{request.geography}",
                       {"indicator": request.category, "zone": request.zone, "format": "csv"},
                       accept="text/csv", **kwargs)
    try:
        lines = csv.reader(io.StringIO(reply.body.decode("utf-8")))
        fields = next(lines, [])
        rows = [[code, float(value) if value else None] for code, value in lines]
        release = reply.headers["x-jin-release"]
    except (UnicodeDecodeError, ValueError, KeyError) as exc:
        raise HubBadResponse(tr("The values from {url} are malformed ({error}). Check the URL.")
                             .format(url=client.base_url, error=exc)) from exc
    if fields != ["area_code", "value"]:
        raise HubBadResponse(tr("The values from {url} are malformed. Check the URL.").format(url=client.base_url))
    return {"dataset": request.dataset, "geography": request.geography, "period": "", "category": request.category,
            "zone": request.zone, "release": release, "fields": fields, "rows": rows}


def _add_fields(path: Path, indicator: str) -> None:
    """The reference fields, added by GDAL so the GeoPackage's own tables stay right."""
    data = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_UPDATE)
    layer = data.GetLayer(0)
    for name, kind in (("dataset", ogr.OFTString), ("indicator", ogr.OFTString), (indicator, ogr.OFTReal)):
        if layer.CreateField(ogr.FieldDefn(name, kind)) != 0:
            raise OSError(gdal.GetLastErrorMsg() or f"cannot add field {name}")
    data = None                                          # closes the file


def write_reference_layer(template: Path, values: dict, out_path: Path, feedback: Optional[QgsFeedback] = None,
                          only: Optional[set[str]] = None, progress: Optional[Callable[[float], None]] = None) -> int:
    """The template's areas (only ``only`` when given) with the indicator's values, written to
    ``out_path`` (through a temporary file, as ``write_layer``); returns the feature count, 0 if cancelled."""
    indicator = values["category"]
    tmp = part_beside(out_path)
    try:
        where = {"where": "area_code IN ({})".format(",".join("'" + c.replace("'", "''") + "'" for c in sorted(only))
                                                      or "''")} if only is not None else {}
        _translate(tmp, str(template), feedback, selectFields=list(AREA_FIELDS), **where)
        if feedback is not None and feedback.isCanceled():
            return 0
        if progress is not None:
            progress(50)
        _add_fields(tmp, indicator)
        with closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
            conn.execute("BEGIN")
            triggers = _without_triggers(conn, "jin")
            fids = dict(conn.execute("SELECT area_code, fid FROM jin"))
            conn.execute('UPDATE jin SET "dataset" = ?, "indicator" = ?', (values["dataset"], indicator))
            column = indicator.replace('"', '""')
            conn.executemany(f'UPDATE jin SET "{column}" = ? WHERE fid = ?',
                             [(value, fids[code]) for code, value in values["rows"] if code in fids])
            for sql in triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
        os.replace(tmp, out_path)
    except (OSError, sqlite3.Error) as exc:
        raise LayerBuildError(tr("Cannot write {path}: {error}. Check there is disk space and the JiN cache folder "
                                 "is writable.").format(path=out_path, error=exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return len(fids)
