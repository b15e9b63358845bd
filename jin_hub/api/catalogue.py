"""Catalogue endpoints: hub version, and the datasets the hub publishes with advanced search."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from jin_hub import __version__, periods, reference
from jin_hub.access.accounts import Principal
from jin_hub.access.grants import datasets_of
from jin_hub.api.deps import get_store
from jin_hub.api.security import AccessDb, caller, get_access
from jin_hub.api.values import PERIOD
from jin_hub.store import Store

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


@router.get("/version", summary="Hub name and version (no sign-in needed)")
def version() -> dict:
    return {"name": "JiN hub", "version": __version__, "api": "1"}


def _text(entry: dict) -> str:
    return " ".join([entry["title"], entry["description"], entry["partner"], *entry["keywords"],
                     *entry["categories"]]).lower()


def _in_range(entry: dict, start: Optional[str], end: Optional[str]) -> bool:
    """Whether any published month falls in [start, end] (longer periods cover their months)."""
    lo = periods.span(start)[0] if start else "0000-00"
    hi = periods.span(end)[1] if end else "9999-99"
    return any(lo <= p <= hi for p in entry["periods"])


def search(entries: list[dict], q: Optional[str] = None, theme: Optional[str] = None,
           partner: Optional[str] = None, geography: Optional[str] = None,
           period_from: Optional[str] = None, period_to: Optional[str] = None) -> list[dict]:
    """Entries matching every given filter; free text needs every word somewhere in the entry."""
    words = (q or "").lower().split()
    return [e for e in entries
            if (not theme or e["theme"] == theme.lower())
            and (not partner or partner.lower() in e["partner"].lower())
            and (not geography or geography.lower() in e["geographies"])
            and (not (period_from or period_to) or _in_range(e, period_from, period_to))
            and all(w in _text(e) for w in words)]


@router.get("/catalogue", summary="Datasets the hub publishes, with search")
def catalogue(
    q: Optional[str] = Query(None, max_length=200, description="free text over title, description, keywords"),
    theme: Optional[str] = Query(None, max_length=40, description="crime, asb, fire, education, population, reference"),
    partner: Optional[str] = Query(None, max_length=80, description="source partner (part of its name)"),
    geography: Optional[str] = Query(None, max_length=20, description="published at this level (oa, lsoa, ...)"),
    period_from: Optional[str] = Query(None, pattern=PERIOD, description="has data from this period on: "
                                       f"{periods.HELP}"),
    period_to: Optional[str] = Query(None, pattern=PERIOD, description="has data up to this period"),
    store: Store = Depends(get_store),
    access: AccessDb = Depends(get_access),
    who: Principal = Depends(caller),
) -> dict:
    entries = store.catalogue() + reference.entries(store.conn)   # reference layers: no disclosure control
    found = search(entries, q, theme, partner, geography, period_from, period_to)
    granted = set(datasets_of(access.conn(), who.agency)) if not who.is_public else set()
    return {
        "datasets": [{**e, "records_granted": e["id"] in granted} for e in found],
        "themes": sorted({e["theme"] for e in entries}),
        "partners": sorted({e["partner"] for e in entries}),
        "geographies": store.geographies(),
        "you": {"user": who.username, "agency": who.agency, "role": who.role},
    }
