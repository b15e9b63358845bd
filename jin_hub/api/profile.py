"""An area's profile (``jin_hub.profile``): its measure over every published period beside its
district and the county, its rank, the other datasets and the reference indicators for it;
audited like every data request."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from jin_hub import profile
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import get_store, not_found
from jin_hub.api.security import data_access
from jin_hub.store import NotFound, Store

router = APIRouter(prefix="/api/v1", tags=["values"])


@router.get("/profile/{dataset}/{geography}/{area_code}", summary="One area's published values over time, "
            "beside its district and the county, with its rank and the other datasets")
def area_profile(
    dataset: str,
    geography: str,
    area_code: str,
    category: str = Query("all", max_length=80),
    store: Store = Depends(get_store),
    audit: Entry = Depends(data_access),
) -> dict:
    audit.dataset = dataset
    try:
        found = profile.profile(store, dataset, geography, area_code[:40], category)
    except NotFound as exc:
        raise not_found(exc) from exc
    audit.rows = len(found["series"]) + len(found["others"]) + len(found["reference"])
    return found
