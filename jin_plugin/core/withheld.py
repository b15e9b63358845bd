"""A map that is mostly hatched is not a success: say so, and name what the release policy would
publish instead (a coarser geography, or a longer period at the same one).

"Mostly" counts the areas with something to show: a month of burglary by LSOA with 381 true zeros,
297 withheld areas and one value shows almost nothing, though fewer than half its areas are withheld.

Counts below the threshold are withheld, so one month of burglary by LSOA is mostly hatched; the
same release publishes MSOAs, and the twelve months to that month, where far fewer are withheld.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsVectorLayer

from ..i18n import tr
from .layers import STATUS_SUPPRESSED, STATUS_VALUE
from .model import LayerRequest, geography_label, period_short

#: Warn when more than this share of the areas with a count above zero is withheld.
MOSTLY = 0.5


def _same_family(geography: str, other: str) -> bool:
    return other == "district" or geography.endswith("21") == other.endswith("21")


def coarser_geographies(entry: dict, request: LayerRequest, monthly: bool) -> list[str]:
    """Geographies coarser than the request's, of its census family, that the release publishes for
    its category and kind of period (finest first)."""
    listed = entry.get("geographies") or []
    rules = entry.get("publication" if monthly else "publication_years") or {}
    published = rules.get(request.category) or listed
    if request.geography not in listed:
        return []
    coarser = listed[listed.index(request.geography) + 1:]
    return [g for g in coarser if g in published and _same_family(request.geography, g)]


def longer_period(entry: dict, period: str) -> Optional[str]:
    """The rolling twelve months to ``period`` (a month) where the hub publishes it, else None."""
    rolling = f"L12-{period}"
    return rolling if rolling in (entry.get("rolling") or []) else None


def withheld_warning(layer: QgsVectorLayer, entry: dict, request: LayerRequest, period: str) -> str:
    """A warning when most of ``layer``'s areas are withheld, naming what would publish; else ""."""
    statuses = [f["status"] for f in layer.getFeatures()]
    withheld = statuses.count(STATUS_SUPPRESSED)
    shown = statuses.count(STATUS_VALUE)
    if withheld == 0 or withheld <= MOSTLY * (withheld + shown):
        return ""
    geographies = entry.get("geographies") or []
    monthly = len(period) == 7
    threshold = (entry.get("disclosure") or {}).get("threshold", "?")
    text = tr("Most of the map is withheld: {n} areas are hatched (counts under {threshold}, or withheld so "
              "that none can be worked out from the totals), not zero, and {shown} show a value.").format(
        n=withheld, threshold=threshold, shown=shown)
    offers = [geography_label(g, geographies) for g in coarser_geographies(entry, request, monthly)[:1]]
    longer = longer_period(entry, period) if monthly else None
    if longer:
        offers.append(tr("{period} at {geography}").format(period=period_short(longer, entry),
                                                           geography=geography_label(request.geography, geographies)))
    if offers:
        text += " " + tr("The release also publishes {offers}, where fewer areas are withheld.").format(
            offers=tr(" or ").join(offers))
    return text
