"""Shared request helpers: the store, lookup failures as HTTP 404, and CSV tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Optional

from fastapi import HTTPException, Request, Response

from jin_hub.spreadsheet import safe_row
from jin_hub.store import Store
from jin_hub.zones import ZoneError, get, members

GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BNG = "http://www.opengis.net/def/crs/EPSG/0/27700"
CSV = "text/csv; charset=utf-8"
FORMAT_HELP = "json (default) or csv"


#: The furthest offset a paged endpoint serves: beyond any table the hub holds, within SQLite's integers.
MAX_OFFSET = 1 << 31


def page_offset(offset: int) -> int:
    """``offset`` if a page can start there; a 400 naming the range otherwise (SQLite refuses
    integers of 2^63 and more, which would be a 500)."""
    if offset > MAX_OFFSET:
        raise HTTPException(400, f"offset {offset} is too large: use 0 to {MAX_OFFSET:,}, or follow the "
                                 "'next' links of the first page")
    return offset


def public_base(request: Request) -> str:
    """The hub's public base URL for links in replies: ``jin-hub serve --public-url`` (or
    ``JIN_HUB_PUBLIC_URL``), else the address the server is bound to. Never the request's Host
    header: a client can send any, and a reply or cache holding links to another site would
    send the next reader there."""
    configured = request.app.state.public_url
    if configured:
        return configured
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    return bound_url(request.scope.get("scheme", "http"), host, port)


def bound_url(scheme: str, host: str, port: int) -> str:
    """The URL of a server bound to ``host``:``port`` (IPv6 addresses in brackets)."""
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


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


def zone_areas(store: Store, zone_id: Optional[str], geography: str) -> Optional[set[str]]:
    """The codes of ``geography``'s areas in the zone a ``zone`` parameter names (None when absent)."""
    try:
        chosen = zone_or_404(store, zone_id)
        return None if chosen is None else members(store.conn, chosen, geography)
    except ZoneError as exc:
        raise not_found(exc) from exc


def csv_text(fields: Iterable[str], rows: Iterable[Iterable]) -> str:
    """A CSV table (header row first); None becomes an empty cell, booleans 0/1, and text a
    spreadsheet would run as a formula is neutralised (``safe_row``): what a caller typed, a
    dataset name in the audit log say, must not run when an analyst opens the file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")    # RFC 4180: a field holding \r or \n is quoted
    writer.writerow(safe_row(fields))
    writer.writerows(safe_row(int(v) if isinstance(v, bool) else v for v in row) for row in rows)
    return out.getvalue()


def csv_response(fields: Iterable[str], rows: Iterable[Iterable], headers: Optional[dict] = None) -> Response:
    """``csv_text`` as a reply."""
    return Response(content=csv_text(fields, rows), media_type=CSV, headers=headers)
