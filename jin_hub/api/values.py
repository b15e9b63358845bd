"""Attribute-only values (area code → count, suppressed) so clients with cached boundaries fetch
only numbers."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from jin_hub.api.deps import get_store, not_found
from jin_hub.store import NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["values"])
PERIOD = r"^\d{4}(-(0[1-9]|1[0-2]))?$"
PERIOD_HELP = "YYYY-MM, or YYYY for the year (default: latest month)"


@router.get("/values/{dataset}/{geography}", summary="Published counts of a dataset per area")
def values(
    dataset: str,
    geography: str,
    period: Optional[str] = Query(None, pattern=PERIOD, description=PERIOD_HELP),
    category: str = Query("all", max_length=80),
    store: Store = Depends(get_store),
) -> dict:
    try:
        entry, period, vals = store.values(dataset, geography, period, category)
    except NotFound as exc:
        raise not_found(exc) from exc
    return {
        "dataset": dataset, "geography": geography, "period": period, "category": category,
        "release": entry["release"]["id"], "disclosure": entry["disclosure"],
        "rate": entry["rate"],
        "fields": ["area_code", "count", "suppressed", "rate"],
        "rows": [[code, count, supp, rate] for code, (count, supp, rate) in vals.items()],
    }
