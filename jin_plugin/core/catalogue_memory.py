"""The catalogues this QGIS session has read, by hub URL, so Processing can offer the hub's datasets,
categories and published geographies as lists without asking the network while a dialog opens.

Filled by the panel's Connect and every ``jin:fetch`` run (``remember``); until a hub's catalogue is
known, Processing takes typed ids and checks them against the hub when it runs.
"""

from __future__ import annotations

from typing import Optional

_KNOWN: dict[str, dict] = {}


def remember(hub_url: str, doc: dict) -> None:
    """Keep the catalogue ``doc`` read from ``hub_url`` for the dialogs opened later."""
    _KNOWN[hub_url.rstrip("/")] = doc


def known(hub_url: str) -> Optional[dict]:
    return _KNOWN.get(hub_url.rstrip("/")) if hub_url else None
