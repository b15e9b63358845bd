"""Shared request helpers: the store, lookup failures as HTTP 404, and CSV tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Optional

from fastapi import HTTPException, Request, Response

from jin_hub.store import Store
from jin_hub.zones import ZoneError, get

GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BNG = "http://www.opengis.net/def/crs/EPSG/0/27700"
CSV = "text/csv; charset=utf-8"
FORMAT_HELP = "json (default) or csv"


def get_store(request: Request) -> Store:
    """The app's read-only store (created once per app in ``create_app``)."""
    return request.app.state.store


def not_found(exc: LookupError) -> HTTPException:
    """A 404 whose message names what exists, so the caller can correct the request."""
    return HTTPException(status_code=404, detail=str(exc.args[0] if exc.args else exc))


def zone_or_404(store: Store, zone_id: Optional[str]) -> Optional[dict]:
    """The zone named by a ``zone`` parameter (None when absent)."""
    if not zone_id:
        return None
    try:
        return get(store.conn, zone_id)
    except ZoneError as exc:
        raise not_found(exc) from exc


def csv_response(fields: Iterable[str], rows: Iterable[Iterable], headers: Optional[dict] = None) -> Response:
    """A CSV table (header row first); None becomes an empty cell, booleans 0/1."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows([int(v) if isinstance(v, bool) else v for v in row] for row in rows)
    return Response(content=out.getvalue(), media_type=CSV, headers=headers)
