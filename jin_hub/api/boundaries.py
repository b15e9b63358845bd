"""Area boundaries, served once and revalidated by ETag so clients cache geometry: at full
resolution in EPSG:27700 (QGIS), or in lon/lat simplified to the detail a web map's zoom needs."""

from __future__ import annotations

import hashlib
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from starlette.background import BackgroundTask

from jin_hub import simplified
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import CRS84, GEOJSON, get_store, not_found, zone_areas
from jin_hub.api.replies import Encoded, send
from jin_hub.api.security import data_access
from jin_hub.store import NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["boundaries"])
LEVELS = ", ".join(map(str, sorted(simplified.LEVELS, reverse=True)))


def _tagged(etag: str) -> dict[str, str]:
    """Headers of a reply of ``etag``: revalidated on every use, as access is checked again each time."""
    return {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}


def _unchanged(request: Request, etag: str) -> Response | None:
    """A 304 if the client holds ``etag`` already."""
    if f'"{etag}"' in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=_tagged(etag))
    return None


@router.get("/boundaries/{geography}", summary="Area boundaries of a geography (GeoJSON, EPSG:27700, or CRS84 "
            "simplified)", response_class=Response, responses={200: {"content": {GEOJSON: {}}}, 304: {}})
def boundaries(geography: str, request: Request,
               simplify: Optional[float] = Query(None, ge=0, description=(
                   f"Metres: the areas in lon/lat (CRS84) instead, simplified together (neighbours keep their "
                   f"shared edges) to the coarsest of the hub's levels ({LEVELS} m) within this; 0 is full detail")),
               zoom: Optional[float] = Query(None, ge=0, le=24, description=(
                   "A web map's zoom (512-pixel tiles): as ``simplify``, to the level within one of its pixels")),
               zone: Optional[str] = Query(None, max_length=120, description=(
                   "With ``simplify`` or ``zoom``: only the areas in this zone (see /api/v1/zones), simplified "
                   "among themselves (a county of a national hub is a county's geometry to send and simplify)")),
               store: Store = Depends(get_store), audit: Entry = Depends(data_access)) -> Response:
    try:
        if simplify is not None or zoom is not None:
            return _lonlat(geography, simplified.level(simplify, zoom), request, store, audit,
                           zone_areas(store, zone, geography))
        if zone is not None:
            raise HTTPException(400, "zone needs simplify or zoom: it picks areas for a web map in lon/lat; the "
                                     "EPSG:27700 boundaries are served whole, for clients to cache")
        packed = "gzip" in request.headers.get("accept-encoding", "").lower()
        etag, body = store.boundaries_gzip(geography) if packed else store.boundaries(geography)
    except NotFound as exc:
        raise not_found(exc) from exc
    if unchanged := _unchanged(request, etag):
        return unchanged
    audit.rows = store.geographies()[geography]["areas"]
    headers = _tagged(etag)
    if packed:                      # compressed once by the store; the gzip middleware leaves it as is
        headers["Content-Encoding"] = "gzip"
    return Response(content=body, media_type=GEOJSON, headers=headers)


def _lonlat(geography: str, metres: int, request: Request, store: Store, audit: Entry,
            inside: Optional[set[str]]) -> Response:
    """The areas (those ``inside`` a zone, if given) at level ``metres``: made once per version of
    the geography's boundaries (their etag) and of the zone's areas, and kept with the hub's encoded
    replies. Once it is sent, the next finer level is made too: a map zooming in asks for it next,
    and making a national one takes seconds."""
    etag = store.geography(geography)["etag"]
    part = "" if inside is None else "-z" + hashlib.sha256(",".join(sorted(inside)).encode()).hexdigest()[:16]
    if unchanged := _unchanged(request, f"{etag}-{metres}{part}"):
        return unchanged

    def kept(level: int) -> Encoded:
        def made() -> Encoded:               # (the etag read with the areas: a load since is not mislabelled)
            if inside is None and (loaded := store.boundary_level(geography, level)):
                return Encoded.from_gzip(loaded[2], GEOJSON, loaded[1], f"{loaded[0]}-{level}")
            read, rows = store.shapes(geography)
            if inside is not None:
                rows = [r for r in rows if r[0] in inside]
            return Encoded(simplified.collection(rows, level), GEOJSON, len(rows), f"{read}-{level}{part}")
        return store.replies.get(("boundaries", geography, etag, level, part), made)

    body = kept(metres)
    audit.rows = body.rows
    reply = send(request, body, {**_tagged(body.etag), "Content-Crs": f"<{CRS84}>"})
    if finer := simplified.finer(metres):
        reply.background = BackgroundTask(kept, finer)
    return reply
