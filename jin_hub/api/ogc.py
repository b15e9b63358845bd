"""OGC API – Features Part 1 (Core, GeoJSON) and Part 2 (CRS by reference) so any GIS client,
QGIS's own OAPIF provider and OWSLib included, can read the hub's published layers.

One collection per dataset × geography (ids ``{dataset}_{geography}``, no dots). An item is an
area with its published value for the requested period (default latest; a month, calendar year,
financial year or the latest 12 months) and category (default ``all``); geometry in CRS84 by
default, or in the storage CRS (EPSG:27700) with ``crs=``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from jin_hub.access.accounts import Principal
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import (
    BNG,
    CRS84,
    GEOJSON,
    MAX_OFFSET,
    get_store,
    not_found,
    page_offset,
    public_base,
    zone_areas,
)
from jin_hub.api.replies import Encoded, send
from jin_hub.api.security import caller, data_access
from jin_hub.api.values import PERIOD, PERIOD_HELP
from jin_hub.store import NotFound, Store

router = APIRouter(tags=["OGC API - Features"])
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
CRSES = (CRS84, BNG)
MAX_LIMIT = 10_000


def _link(href: str, rel: str, type_: str, title: str = "") -> dict:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


def _base(request: Request) -> str:
    return public_base(request)


@router.get("/", summary="Landing page")
def landing(request: Request) -> dict:
    base = _base(request)
    return {
        "title": "JiN hub — Joined-up Information Nottinghamshire",
        "description": "Disclosure-controlled community-safety data for Nottinghamshire partners.",
        "links": [
            _link(f"{base}/", "self", "application/json", "This document"),
            _link(f"{base}/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                  "The API definition"),
            _link(f"{base}/docs", "service-doc", "text/html", "The API documentation"),
            _link(f"{base}/conformance", "conformance", "application/json", "Conformance classes"),
            _link(f"{base}/collections", "data", "application/json", "Collections"),
        ],
    }


@router.get("/conformance", summary="Conformance classes implemented")
def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def _collections(store: Store) -> dict[str, tuple[dict, str]]:
    """Collection id -> (catalogue entry, geography)."""
    return {f"{e['id']}_{g}": (e, g) for e in store.catalogue() for g in e["geographies"]}


def _collection_doc(base: str, cid: str, entry: dict, geography: str, store: Store) -> dict:
    extent = store.conn.execute(
        "SELECT min(lon_min), min(lat_min), max(lon_max), max(lat_max) FROM areas WHERE geography = ?",
        (geography,)).fetchone()
    return {
        "id": cid,
        "title": f"{entry['title']} — {geography.upper()}",
        "description": f"{entry['description']} {entry['disclosure']['rule']}",
        "keywords": entry["keywords"],
        "itemType": "feature",
        "crs": list(CRSES),
        "storageCrs": BNG,
        "extent": {
            "spatial": {"bbox": [list(extent)], "crs": CRS84},
            "temporal": {"interval": [[f"{entry['periods'][0]}-01T00:00:00Z", None]]},
        },
        "links": [
            _link(f"{base}/collections/{cid}", "self", "application/json"),
            _link(f"{base}/collections/{cid}/items", "items", GEOJSON, "Areas with published values"),
        ],
    }


def _resolve(store: Store, cid: str) -> tuple[dict, str]:
    found = _collections(store).get(cid)
    if found is None:
        raise HTTPException(404, f"no collection '{cid}'; see /collections for the available ones")
    return found


@router.get("/collections", summary="Published collections")
def collections(request: Request, store: Store = Depends(get_store), who: Principal = Depends(caller)) -> dict:
    base = _base(request)
    return {
        "links": [_link(f"{base}/collections", "self", "application/json")],
        "collections": [_collection_doc(base, cid, e, g, store) for cid, (e, g) in _collections(store).items()],
        "crs": list(CRSES),
    }


@router.get("/collections/{collection_id}", summary="One collection")
def collection(collection_id: str, request: Request, store: Store = Depends(get_store),
               who: Principal = Depends(caller)) -> dict:
    entry, geography = _resolve(store, collection_id)
    return _collection_doc(_base(request), collection_id, entry, geography, store)


def _crs(value: Optional[str], name: str) -> str:
    """A supported CRS URI (default CRS84) or 400 listing the supported ones."""
    if value is None:
        return CRS84
    if value.strip("<>") not in CRSES:
        raise HTTPException(400, f"{name} '{value}' is not supported: use {' or '.join(CRSES)}")
    return value.strip("<>")


def parse_bbox(text: Optional[str]) -> Optional[tuple[float, float, float, float]]:
    """``minx,miny,maxx,maxy`` (or 6 numbers with heights), validated."""
    if text is None:
        return None
    try:
        nums = [float(v) for v in text.split(",")]
    except ValueError:
        nums = []
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    if len(nums) != 4 or not all(abs(v) < 1e9 for v in nums):
        raise HTTPException(400, "bbox must be four comma-separated numbers: minx,miny,maxx,maxy "
                                 "(longitudes/latitudes, or eastings/northings with bbox-crs=EPSG:27700)")
    if nums[0] > nums[2] or nums[1] > nums[3]:
        raise HTTPException(400, "bbox minimum must not exceed its maximum: minx,miny,maxx,maxy")
    return nums[0], nums[1], nums[2], nums[3]


DATETIME_HELP = ("an RFC 3339 date-time or date, or an interval of two (open with '..'); checked, but the period "
                 "an item shows is chosen with period=")
_DATE = r"\d{4}-\d{2}-\d{2}"
_INSTANT = re.compile(rf"{_DATE}(?:[Tt]\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?(?:[Zz]|[+-]\d{{2}}:\d{{2}}))?")


def _instant(text: str) -> Optional[datetime]:
    """An RFC 3339 date-time or full date as an aware datetime (dates at midnight UTC); None if
    ``text`` is neither."""
    if not _INSTANT.fullmatch(text):
        return None
    try:
        when = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:                          # month 13, 30 February, hour 25...
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def parse_datetime(text: Optional[str]) -> None:
    """Check OGC API - Features' ``datetime``: an instant or an interval ``start/end`` with one
    end open at most (``..`` or empty); a 400 saying the accepted forms otherwise. Items show the
    ``period`` requested, so a valid value changes nothing, but nonsense is refused rather than
    silently ignored."""
    if text is None:
        return
    ends = text.split("/")
    found = [None if end in ("", "..") else _instant(end) for end in ends]
    open_ends = [end in ("", "..") for end in ends]
    valid = (len(ends) == 1 and found[0] is not None) or (
        len(ends) == 2 and not all(open_ends)
        and all(f is not None or o for f, o in zip(found, open_ends))
        and (any(open_ends) or found[0] <= found[1]))
    if not valid:
        raise HTTPException(400, f"datetime '{text[:40]}' is not an RFC 3339 date-time (2024-03-05T14:20:00Z), "
                                 "date (2024-03-05) or interval of two (2024-01-01/2024-12-31, ../2024-12-31, "
                                 "2024-01-01/..); choose the period with period=")


def _feature(row: tuple, props: dict, value: tuple) -> str:
    code, name, dcode, dname, geom = row
    count, supp, rate, base = value
    p = {"area_code": code, "area_name": name, "district_code": dcode, "district_name": dname,
         **props, "count": count, "suppressed": supp, "rate": rate, "base": base}
    return ('{"type":"Feature","id":' + json.dumps(code) + ',"properties":'
            + json.dumps(p, separators=(",", ":")) + ',"geometry":' + geom + "}")


def _values_for(store: Store, entry: dict, geography: str, period: Optional[str], category: str):
    try:
        return store.values(entry["id"], geography, period, category)
    except NotFound as exc:
        raise not_found(exc) from exc


@router.get("/collections/{collection_id}/items", summary="Areas with their published values",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}})
def items(
    collection_id: str,
    request: Request,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, description=f"areas to skip, at most {MAX_OFFSET:,}"),
    bbox: Optional[str] = Query(None, max_length=200, description="minx,miny,maxx,maxy (in bbox-crs)"),
    bbox_crs: Optional[str] = Query(None, alias="bbox-crs", max_length=100, description="CRS of bbox"),
    crs: Optional[str] = Query(None, max_length=100, description="CRS of the geometry (default CRS84)"),
    period: Optional[str] = Query(None, pattern=PERIOD, description=PERIOD_HELP),
    category: str = Query("all", max_length=80),
    zone: Optional[str] = Query(None, max_length=120, description="only areas in this zone"),
    datetime_: Optional[str] = Query(None, alias="datetime", max_length=100, description=DATETIME_HELP),
    store: Store = Depends(get_store),
    audit: Entry = Depends(data_access),
) -> Response:
    entry, geography = _resolve(store, collection_id)
    audit.dataset = entry["id"]
    out_crs, box_crs = _crs(crs, "crs"), _crs(bbox_crs, "bbox-crs")
    box = parse_bbox(bbox)
    parse_datetime(datetime_)
    page_offset(offset)
    _, period, vals = _values_for(store, entry, geography, period, category)
    inside = zone_areas(store, zone, geography)
    base = f"{_base(request)}/collections/{collection_id}/items"
    params = {k: v for k, v in {"bbox": bbox, "bbox-crs": bbox_crs, "crs": crs, "period": period,
                                "category": category, "zone": zone}.items() if v}

    def page() -> Encoded:
        found = store.areas(geography, box, limit, offset, codes=inside, bbox_bng=box_crs == BNG, bng=out_crs == BNG)
        props = {"dataset": entry["id"], "period": period, "category": category}
        features = [_feature(r, props, vals[r[0]]) for r in found.rows]
        links = [_link(f"{base}?{urlencode({**params, 'limit': limit, 'offset': offset})}", "self", GEOJSON)]
        if offset + len(features) < found.number_matched:
            nxt = urlencode({**params, "limit": limit, "offset": offset + limit})
            links.append(_link(f"{base}?{nxt}", "next", GEOJSON, "Next page"))
        if offset > 0:
            prev = urlencode({**params, "limit": limit, "offset": max(0, offset - limit)})
            links.append(_link(f"{base}?{prev}", "prev", GEOJSON, "Previous page"))
        meta = {"numberMatched": found.number_matched, "numberReturned": len(features),
                "timeStamp": datetime.now(timezone.utc).isoformat(timespec="seconds"), "links": links}
        body = ('{"type":"FeatureCollection",' + json.dumps(meta)[1:-1] + ',"features":['
                + ",".join(features) + "]}")
        return Encoded(body.encode(), GEOJSON, len(features))

    # a page without a zone is kept until what it shows changes (its timeStamp: when it was made)
    body = page() if inside is not None else store.replies.get(
        ("items", store.version(), entry["release"]["id"], geography, period, category, box, box_crs, out_crs,
         limit, offset, base), page)
    audit.rows = body.rows
    return send(request, body, {"Content-Crs": f"<{out_crs}>"})


@router.get("/collections/{collection_id}/items/{feature_id}", summary="One area with its value",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}})
def item(
    collection_id: str,
    feature_id: str,
    period: Optional[str] = Query(None, pattern=PERIOD, description=PERIOD_HELP),
    category: str = Query("all", max_length=80),
    crs: Optional[str] = Query(None, max_length=100, description="CRS of the geometry (default CRS84)"),
    store: Store = Depends(get_store),
    audit: Entry = Depends(data_access),
) -> Response:
    entry, geography = _resolve(store, collection_id)
    audit.dataset = entry["id"]
    out_crs = _crs(crs, "crs")
    _, period, vals = _values_for(store, entry, geography, period, category)
    page = store.areas(geography, None, 1, 0, area_code=feature_id, bng=out_crs == BNG)
    if not page.rows:
        raise HTTPException(404, f"no area '{feature_id}' in collection '{collection_id}'")
    audit.rows = 1
    props = {"dataset": entry["id"], "period": period, "category": category}
    return Response(content=_feature(page.rows[0], props, vals[feature_id]), media_type=GEOJSON,
                    headers={"Content-Crs": f"<{out_crs}>"})
