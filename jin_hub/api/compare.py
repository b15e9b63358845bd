"""Two datasets per area (``jin_hub.compare``): the bivariate map's classes and the scatter of the
two measures, from published cells only; audited as one request naming both datasets."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from jin_hub import compare
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import get_store, not_found
from jin_hub.api.security import data_access
from jin_hub.api.values import PERIOD, PERIOD_HELP
from jin_hub.store import NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["values"])
MEASURE = "^(count|rate)$"


@router.get("/compare/{geography}", summary="Two datasets per area: bivariate classes and scatter pairs")
def compare_two(
    geography: str,
    x: str = Query(..., max_length=64, description="the first dataset (across)"),
    y: str = Query(..., max_length=64, description="the second dataset (up)"),
    x_period: Optional[str] = Query(None, pattern=PERIOD, description=PERIOD_HELP),
    y_period: Optional[str] = Query(None, pattern=PERIOD, description=PERIOD_HELP),
    x_category: str = Query("all", max_length=80),
    y_category: str = Query("all", max_length=80),
    x_measure: str = Query("rate", pattern=MEASURE),
    y_measure: str = Query("rate", pattern=MEASURE),
    store: Store = Depends(get_store),
    audit: Entry = Depends(data_access),
) -> dict:
    audit.dataset = f"{x},{y}"
    try:
        found = compare.compare(store, geography, compare.Side(x, x_period, x_category, x_measure),
                                compare.Side(y, y_period, y_category, y_measure))
    except NotFound as exc:
        raise not_found(exc) from exc
    audit.rows = len(found["rows"]) + len(found["withheld"]) + len(found["missing"])
    return found
