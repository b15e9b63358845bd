"""Record-level cleansed data (depersonalised, pseudonymised) for agencies granted the dataset under
the data sharing protocol. Every request states its purpose, which the audit log keeps."""

from __future__ import annotations

from typing import Optional
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from jin_hub import periods
from jin_hub.access.auditlog import Entry
from jin_hub.access.grants import granted
from jin_hub.api.deps import (
    FORMAT_HELP,
    MAX_OFFSET,
    csv_response,
    get_store,
    not_found,
    page_offset,
    public_base,
    zone_or_404,
)
from jin_hub.api.security import AccessDb, data_access, get_access, require_partner
from jin_hub.api.values import PERIOD
from jin_hub.store import RECORD_FIELDS, NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["records"])
MAX_PAGE = 50_000


@router.get("/records/{dataset}", summary="Cleansed, depersonalised records (granted agencies only)",
            responses={200: {"content": {"text/csv": {}}}, 401: {}, 403: {}})
def records(
    dataset: str,
    request: Request,
    purpose: str = Query(..., min_length=10, max_length=500,
                         description="why you need record-level data (kept in the audit log)"),
    period: Optional[str] = Query(None, pattern=PERIOD, description=f"{periods.HELP}: the records of its months"),
    category: Optional[str] = Query(None, max_length=80),
    zone: Optional[str] = Query(None, max_length=120, description="only records in this zone"),
    limit: int = Query(10_000, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, description=f"rows to skip, at most {MAX_OFFSET:,}"),
    format: str = Query("json", pattern="^(json|csv)$", description=FORMAT_HELP),
    store: Store = Depends(get_store),
    access: AccessDb = Depends(get_access),
    audit: Entry = Depends(data_access),
):
    audit.dataset, audit.purpose = dataset, purpose.strip()
    require_partner(audit, "record-level data")
    page_offset(offset)
    who = audit.principal
    if not granted(access.conn(), who.agency, dataset):
        raise HTTPException(403, f"agency '{who.agency}' has no record-level grant for '{dataset}' under the data "
                                 "sharing protocol; aggregates are open to you, and the hub administrator can "
                                 "add a grant if the protocol allows it")
    try:
        entry, matched, rows = store.records(dataset, period, category, zone_or_404(store, zone), limit, offset)
    except NotFound as exc:
        raise not_found(exc) from exc
    audit.rows = len(rows)
    params = {k: v for k, v in {"purpose": purpose, "period": period, "category": category, "zone": zone,
                                "format": format if format != "json" else None}.items() if v}
    nxt = (f"{public_base(request)}{router.prefix}/records/{quote(dataset, safe='')}?"
           f"{urlencode({**params, 'limit': limit, 'offset': offset + limit})}"
           if offset + len(rows) < matched else None)
    if format == "csv":
        headers = {"X-Total-Count": str(matched), "X-JiN-Release": entry["release"]["id"]}
        if nxt:
            headers["Link"] = f'<{nxt}>; rel="next"'
        return csv_response(RECORD_FIELDS, rows, headers)
    return {"dataset": dataset, "release": entry["release"]["id"], "numberMatched": matched,
            "numberReturned": len(rows), "next": nxt, "fields": list(RECORD_FIELDS), "rows": rows}
