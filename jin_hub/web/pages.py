"""The pages themselves: the hub's root URL opens them in a browser, static files beside them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from jin_hub.api import ogc
from jin_hub.web import signin, themes

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor" / "maplibre-gl.js"
router = APIRouter(include_in_schema=False)


def _wants_page(request: Request) -> bool:
    """A browser asking for HTML; OGC clients (JSON, or ``f=json``) get the landing document."""
    return "text/html" in request.headers.get("accept", "") and request.query_params.get("f") != "json"


def security_headers(basemap: str | None) -> dict[str, str]:
    """The page may run only the hub's own scripts, and talk only to the hub (and its basemap)."""
    extra = ""
    if basemap:
        parts = urlsplit(basemap)
        extra = f" {parts.scheme}://{parts.netloc}"
    return {
        "Content-Security-Policy": f"default-src 'self'; script-src 'self'; worker-src 'self' blob:; "
                                   f"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{extra}; "
                                   f"connect-src 'self'{extra}; frame-ancestors 'none'; form-action 'self'",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    }


@router.get("/", summary="Landing page (the web pages in a browser)")
def landing(request: Request):
    if not _wants_page(request):
        return ogc.landing(request)
    if not VENDOR.is_file():
        return JSONResponse(status_code=503, content={
            "detail": "the web pages' libraries are not installed on this hub: run scripts/setup.sh "
                      "(or `make setup`), which installs them from npm"})
    return FileResponse(STATIC / "index.html", headers=security_headers(themes.config()["basemap"]))


@router.get("/web/config.json", summary="Themes, special colours and basemap for the web pages")
def config() -> dict:
    return themes.config()


def install(app: FastAPI) -> None:
    """Add the pages to the hub app (before the OGC landing page, which they answer for browsers)."""
    app.include_router(router)
    app.include_router(signin.router)
    app.mount("/web/static", StaticFiles(directory=STATIC), name="web-static")
