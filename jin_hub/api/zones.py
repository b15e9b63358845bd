"""Zones: districts, wards, community safety partnership areas and admin-defined areas that a
client zooms to or filters by."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Response

from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import BNG, GEOJSON, get_store, zone_or_404
from jin_hub.api.security import data_access
from jin_hub.store import Store
from jin_hub.zones import geometry, listing

router = APIRouter(prefix="/api/v1", tags=["zones"])


@router.get("/zones", summary="Named areas of interest with their extents")
def zones(store: Store = Depends(get_store), audit: Entry = Depends(data_access)) -> dict:
    found = listing(store.conn)
    audit.rows = len(found)
    return {"zones": found}


@router.get("/zones/{zone_id}", summary="One zone as a GeoJSON feature (EPSG:27700 outline)",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}})
def zone(zone_id: str, store: Store = Depends(get_store), audit: Entry = Depends(data_access)) -> Response:
    found = zone_or_404(store, zone_id)
    audit.rows = 1
    body = (f'{{"type":"Feature","id":{json.dumps(found["id"])},"properties":{json.dumps(found)},'
            f'"geometry":{geometry(store.conn, found)}}}')
    return Response(content=body, media_type=GEOJSON, headers={"Content-Crs": f"<{BNG}>"})
