"""Typed requests and labels shared by the panel, Processing and the headless workflow."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..i18n import QT_TR_NOOP, tr

#: shown through ``tr`` wherever they are shown
GEOGRAPHY_LABELS = {"oa": QT_TR_NOOP("OA"), "lsoa": QT_TR_NOOP("LSOA"), "msoa": QT_TR_NOOP("MSOA"),
                    "ward": QT_TR_NOOP("Ward"), "district": QT_TR_NOOP("District"),
                    "lsoa21": QT_TR_NOOP("LSOA 2021"), "msoa21": QT_TR_NOOP("MSOA 2021"),
                    "ward21": QT_TR_NOOP("Ward 2021")}
#: A 2011 geography's label where its 2021 twin is shown beside it.
VINTAGE_LABELS = {"lsoa": QT_TR_NOOP("LSOA 2011"), "msoa": QT_TR_NOOP("MSOA 2011")}


def geography_label(geography: str, beside: Iterable[str] = ()) -> str:
    """The geography's label, translated; ``LSOA 2011`` rather than ``LSOA`` where ``beside`` (the
    geographies shown with it) holds the 2021 LSOAs too, so the two are never confused."""
    label = VINTAGE_LABELS.get(geography) if f"{geography}21" in beside else None
    label = label or GEOGRAPHY_LABELS.get(geography)
    return tr(label) if label else geography.upper()


@dataclass(frozen=True)
class LayerRequest:
    """Which published values to map: dataset × geography × period × category."""

    dataset: str
    geography: str = "lsoa"
    period: Optional[str] = None        # YYYY-MM, YYYY, FY2024, L12-2025-03; None = the latest the hub has
    category: str = "all"
    measure: str = "count"              # or "rate" (per 1,000 of the dataset's denominator)
    zone: Optional[str] = None          # only the areas in this hub zone (a district, CSP ...): its id
    zone_name: str = ""                 # ... and its name, for the layer's name

    def file_stem(self, period: str, release: str = "") -> str:
        """A file-system-safe name for the cached layer of this request from ``release`` (a new release
        gets a new file, so a layer still open on the old one is never overwritten under it)."""
        parts = [self.dataset, self.geography, period, self.category, self.zone or "", release]
        raw = "__".join(p for p in parts if p)
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", raw).strip("-").lower()


def default_period(entry: dict) -> Optional[str]:
    """What one click maps: the latest rolling 12 months where the hub publishes it (steadier and less
    suppressed than one month), else None (the hub's latest month)."""
    rolling = entry.get("rolling") or []
    return rolling[-1] if rolling else None


def month_label(period: str, entry: Optional[dict] = None) -> str:
    """``2024-03`` → ``Mar 2024``; ``2024`` → ``2024 (year)``; ``FY2024`` → ``Apr 2024 – Mar 2025
    (financial year)``; ``L12-2025-03`` → ``12 months to Mar 2025``; or the hub's own label for the
    period (school terms: ``Autumn term 2024``) when the catalogue ``entry`` has one."""
    if entry and period in entry.get("period_labels", {}):
        return entry["period_labels"][period]
    if len(period) == 4:
        return tr("{year} (year)").format(year=period)
    if period.startswith("FY"):
        year = int(period[2:])
        return tr("Apr {start} – Mar {end} (financial year)").format(start=year, end=year + 1)
    if period.startswith("L12-"):
        return tr("12 months to {month}").format(month=month_label(period[4:]))
    year, month = (int(p) for p in period.split("-"))
    return date(year, month, 1).strftime("%b %Y")


def quality_flags(entry: dict, period: Optional[str] = None, category: Optional[str] = None) -> list[dict]:
    """The data-quality flags of ``entry``'s release (none from a release or hub without them): all
    of them, or those touching ``period`` (each flag lists the release's periods that include its
    month) that concern ``category``: its own and the total's, or every flag for the total."""
    found = (entry.get("release") or {}).get("quality_flags") or []
    return [f for f in found if (period is None or period in f.get("periods", ()))
            and (category in (None, "all") or f["category"] in (category, "all"))]


def measure_label(entry: dict, measure: str) -> str:
    """``count``, or the rate with its unit (``rate per 1,000 population``) where the hub publishes one."""
    rate = entry.get("rate") or {}
    return tr("rate {unit}").format(unit=rate["label"]) if measure == "rate" and rate.get("label") else tr("count")


def period_short(period: str, entry: Optional[dict] = None) -> str:
    """The period as a layer name wants it: ``Dec 2024``, ``2024``, ``FY 2024/25``, ``12 months to
    Dec 2024``, a term's own name."""
    if entry and period in entry.get("period_labels", {}):
        return entry["period_labels"][period]
    if len(period) == 4:
        return period
    if period.startswith("FY"):
        year = int(period[2:])
        return tr("FY {start}/{end}").format(start=year, end=str(year + 1)[-2:])
    return month_label(period, entry)


def layer_title(entry: dict, request: LayerRequest, period: str) -> str:
    """The full description, for metadata: ``Criminal damage and arson — LSOA — Apr 2024 – Mar 2025
    (financial year) — rate per 1,000 population``; the dataset's title names the layer of all categories."""
    geo = geography_label(request.geography, entry.get("geographies", ()))
    where = tr(" in {zone}").format(zone=request.zone_name or request.zone) if request.zone else ""
    indicator = next((i for i in entry.get("indicators", []) if i["id"] == request.category), None)
    if indicator is not None:               # a reference layer: its indicator, and no period
        return f"{indicator['label']} — {geo}{where} — {entry['title']}"
    what = entry["title"] if request.category == "all" else request.category
    return f"{what} — {geo}{where} — {month_label(period, entry)} — {measure_label(entry, request.measure)}"


def layer_name(entry: dict, request: LayerRequest, period: str) -> str:
    """The short name in the Layers panel and in pickers, ordered so names differ early where
    analysts' layers differ: what, measure, period, then where (``Burglary rate, FY 2024/25, LSOA``).
    The full description is the layer's metadata title (``layer_title``)."""
    geo = geography_label(request.geography, entry.get("geographies", ()))
    where = tr(" in {zone}").format(zone=request.zone_name or request.zone) if request.zone else ""
    indicator = next((i for i in entry.get("indicators", []) if i["id"] == request.category), None)
    if indicator is not None:
        return f"{indicator['label']}, {geo}{where} ({entry['title']})"
    what = entry["title"] if request.category == "all" else request.category
    measure = tr("rate") if request.measure == "rate" and (entry.get("rate") or {}).get("label") else tr("count")
    return f"{what} {measure}, {period_short(period, entry)}, {geo}{where}"
