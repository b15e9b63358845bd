"""Catalogue endpoints: hub version and the datasets it publishes (with simple search)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from jin_hub import __version__
from jin_hub.api.deps import get_store
from jin_hub.store import Store

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


@router.get("/version", summary="Hub name and version")
def version() -> dict:
    return {"name": "JiN hub", "version": __version__, "api": "1"}


@router.get("/catalogue", summary="Datasets the hub publishes")
def catalogue(
    store: Store = Depends(get_store),
    q: Optional[str] = Query(None, max_length=200, description="free text over title, description, keywords"),
    theme: Optional[str] = Query(None, max_length=40, description="crime, asb, fire, education, population"),
) -> dict:
    entries = store.catalogue()
    if theme:
        entries = [e for e in entries if e["theme"] == theme.lower()]
    if q:
        words = q.lower().split()
        entries = [e for e in entries
                   if all(w in " ".join([e["title"], e["description"], *e["keywords"]]).lower() for w in words)]
    return {"datasets": entries, "geographies": store.geographies()}
