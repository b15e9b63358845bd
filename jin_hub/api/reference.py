"""Reference values (area code → value of one published indicator, e.g. an IMD rank), audited like
every data request; JSON or CSV. Their own route: a value here is a published statistic, not a
disclosure-controlled count with a suppression flag, rate and base."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from jin_hub import reference
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import FORMAT_HELP, csv_response, get_store, not_found, zone_areas
from jin_hub.api.security import data_access
from jin_hub.store import Store

router = APIRouter(prefix="/api/v1", tags=["reference"])
FIELDS = ["area_code", "value"]


@router.get("/reference/{dataset}/{geography}", summary="A reference indicator (no disclosure control) per area",
            responses={200: {"content": {"text/csv": {}}}})
def reference_values(
    dataset: str,
    geography: str,
    indicator: Optional[str] = Query(None, max_length=120, description="default: the dataset's first indicator"),
    zone: Optional[str] = Query(None, max_length=120, description="only areas in this zone (see /api/v1/zones)"),
    format: str = Query("json", pattern="^(json|csv)$", description=FORMAT_HELP),
    store: Store = Depends(get_store),
    audit: Entry = Depends(data_access),
):
    audit.dataset = dataset
    try:
        entry, chosen, vals = reference.values(store.conn, dataset, geography, indicator)
    except LookupError as exc:
        raise not_found(exc) from exc
    inside = zone_areas(store, zone, geography)
    if inside is not None:
        vals = {code: v for code, v in vals.items() if code in inside}
    rows = [[code, value] for code, value in vals.items()]
    audit.rows = len(rows)
    release = entry["release"]["id"]
    if format == "csv":
        return csv_response(FIELDS, rows, {"X-JiN-Release": release, "X-JiN-Indicator": chosen["id"]})
    return {"dataset": dataset, "geography": geography, "indicator": chosen, "zone": zone, "release": release,
            "disclosure": entry["disclosure"], "licence": entry["licence"], "attribution": entry["attribution"],
            "fields": FIELDS, "rows": rows}
