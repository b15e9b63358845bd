"""Attribute-only values (area code → count, suppressed, rate, rate's denominator) so clients with
cached boundaries fetch only numbers; compact JSON or CSV."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from jin_hub import periods
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import FORMAT_HELP, csv_response, get_store, not_found, zone_areas
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
    inside = zone_areas(store, zone, geography)
    if inside is not None:
        vals = {code: v for code, v in vals.items() if code in inside}
    rows = [[code, *value] for code, value in vals.items()]
    audit.rows = len(rows)
    if format == "csv":
        return csv_response(FIELDS, rows, {"X-JiN-Release": entry["release"]["id"], "X-JiN-Period": period})
    return {
        "dataset": dataset, "geography": geography, "period": period, "category": category, "zone": zone,
        "release": entry["release"]["id"], "disclosure": entry["disclosure"],
        "rate": entry["rate"], "fields": FIELDS, "rows": rows,
    }
