"""Shared request dependencies: the store, and mapping of lookup failures to HTTP 404."""

from __future__ import annotations

from fastapi import HTTPException, Request

from jin_hub.store import Store

GEOJSON = "application/geo+json"


def get_store(request: Request) -> Store:
    """The app's read-only store (created once per app in ``create_app``)."""
    return request.app.state.store


def not_found(exc: LookupError) -> HTTPException:
    """A 404 whose message names what exists, so the caller can correct the request."""
    return HTTPException(status_code=404, detail=str(exc.args[0] if exc.args else exc))
