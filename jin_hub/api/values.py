"""Attribute-only values (area code → count, suppressed, rate, rate's denominator) so clients with
cached boundaries fetch only numbers; compact JSON or CSV."""

from __future__ import annotations

import json
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request

from jin_hub import periods
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import CSV, FORMAT_HELP, csv_text, get_store, not_found, zone_areas
from jin_hub.api.replies import Encoded, send
from jin_hub.api.security import data_access
from jin_hub.store import NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["values"])
PERIOD = periods.PATTERN
PERIOD_HELP = f"{periods.HELP}; default: the latest month"
FIELDS = ["area_code", "count", "suppressed", "rate", "base"]


@router.get("/values/{dataset}/{geography}", summary="Published counts and rates of a dataset per area",
            responses={200: {"content": {"text/csv": {}}}})
def values(
    dataset: str,
    geography: str,
    request: Request,
    period: Optional[str] = Query(None, pattern=PERIOD, description=PERIOD_HELP),
    category: str = Query("all", max_length=80),
    zone: Optional[str] = Query(None, max_length=120, description="only areas in this zone (see /api/v1/zones)"),
    format: str = Query("json", pattern="^(json|csv)$", description=FORMAT_HELP),
    store: Store = Depends(get_store),
    audit: Entry = Depends(data_access),
):
    audit.dataset = dataset
    try:
        entry, period, vals = store.values(dataset, geography, period, category)
    except NotFound as exc:
        raise not_found(exc) from exc
    headers = {"X-JiN-Release": entry["release"]["id"], "X-JiN-Period": period}
    inside = zone_areas(store, zone, geography)

    def encoded() -> Encoded:
        rows = [[code, *value] for code, value in vals.items() if inside is None or code in inside]
        if format == "csv":
            return Encoded(csv_text(FIELDS, rows).encode(), CSV, len(rows))
        return Encoded(json.dumps({
            "dataset": dataset, "geography": geography, "period": period, "category": category, "zone": zone,
            "release": entry["release"]["id"], "disclosure": entry["disclosure"],
            "rate": entry["rate"], "fields": FIELDS, "rows": rows,
        }, ensure_ascii=False, separators=(",", ":")).encode(), "application/json", len(rows))

    # a zone's areas may be redrawn at any time: only whole tables are kept
    body = encoded() if inside is not None else store.replies.get(
        ("values", store.version(), entry["release"]["id"], geography, period, category, format), encoded)
    audit.rows = body.rows
    return send(request, body, headers if format == "csv" else None)
