"""Area boundaries, served once and revalidated by ETag so clients cache geometry."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import GEOJSON, get_store, not_found
from jin_hub.api.security import data_access
from jin_hub.store import NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["boundaries"])


@router.get("/boundaries/{geography}", summary="Area boundaries of a geography (GeoJSON, EPSG:27700)",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}, 304: {}})
def boundaries(geography: str, request: Request, store: Store = Depends(get_store),
               audit: Entry = Depends(data_access)) -> Response:
    packed = "gzip" in request.headers.get("accept-encoding", "").lower()
    try:
        etag, body = store.boundaries_gzip(geography) if packed else store.boundaries(geography)
    except NotFound as exc:
        raise not_found(exc) from exc
    quoted = f'"{etag}"'
    headers = {"ETag": quoted, "Cache-Control": "private, no-cache",      # revalidate: auth is rechecked
               "Vary": "Accept-Encoding"}
    if quoted in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    audit.rows = store.geographies()[geography]["areas"]
    if packed:                      # compressed once by the store; the gzip middleware leaves it as is
        headers["Content-Encoding"] = "gzip"
    return Response(content=body, media_type=GEOJSON, headers=headers)
