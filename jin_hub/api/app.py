"""FastAPI application factory: routers, gzip, and errors as plain-words JSON."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Optional

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from jin_hub import __version__, backends
from jin_hub.api import admin, boundaries, catalogue, compare, ogc, profile, records, reference, values, zones
from jin_hub.api.replies import GZIP_FROM, GZIP_LEVEL
from jin_hub.api.security import AccessDb, install_audit
from jin_hub.api.timing import ServerTiming
from jin_hub.backends import Locator
from jin_hub.store import CACHE_BYTES, Store
from jin_hub.web import pages


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one readable sentence per problem instead of pydantic's nested structure."""
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
        problems.append(f"{where}: {err.get('msg', 'invalid value')}")
    return JSONResponse(status_code=422, content={"detail": "invalid request — " + "; ".join(problems)})


def _openapi_with_security(app: FastAPI):
    """The generated OpenAPI document, plus the sign-in schemes every data endpoint accepts."""
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                "basic": {"type": "http", "scheme": "basic", "description": "your JiN user name and password"},
                "bearer": {"type": "http", "scheme": "bearer", "description": "an API key, jin_<id>_<secret>"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            }
            schema["security"] = [{"basic": []}, {"bearer": []}, {"apiKey": []}, {}]   # {}: if anonymous is on
            app.openapi_schema = schema
        return app.openapi_schema
    return openapi


#: Requests a hub process works on at once (threads; anyio's default, set so the count below holds).
THREADS = 40
#: Database connections a hub process opens at most: each thread's read and read-write ones, the
#: audit writer's and one to start with.
CONNECTIONS = 2 * THREADS + 2


@asynccontextmanager
async def _threads(app: FastAPI):
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(db_path: Locator, public_url: Optional[str] = None, cache_bytes: int = CACHE_BYTES) -> FastAPI:
    """The hub app serving the database at ``db_path``: published data read-only; credentials,
    failed sign-ins and the audit log read-write. ``public_url`` is where clients reach it, used
    in every link it sends (default: the address it is bound to; see ``deps.public_base``);
    ``cache_bytes`` bounds what it keeps in memory (``Store``)."""
    app = FastAPI(
        lifespan=_threads,
        title="JiN hub API",
        version=__version__,
        description="Joined-up Information Nottinghamshire: disclosure-controlled community-safety data. "
                    "JiN endpoints under /api/v1; OGC API – Features at the root. Sign in with HTTP Basic "
                    "(your JiN account) or an API key (Authorization: Bearer jin_...); every data request "
                    "is audited.",
    )
    app.state.public_url = public_url.rstrip("/") if public_url else None
    app.state.store = Store(db_path, cache_bytes)
    app.state.access = AccessDb(db_path)
    install_audit(app)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_FROM, compresslevel=GZIP_LEVEL)
    app.add_middleware(ServerTiming)                       # outermost: the whole of the hub's time
    app.add_exception_handler(RequestValidationError, _validation_error)
    pages.install(app)                                     # the web pages: before the OGC landing page
    for module in (ogc, catalogue, boundaries, values, profile, compare, reference, zones, records, admin):
        app.include_router(module.router)
    app.openapi = _openapi_with_security(app)
    return app


#: The environment ``jin-hub serve`` hands its worker processes: the database, the public URL and
#: the cache's size in MB.
DB_VARIABLE, PUBLIC_URL_VARIABLE, CACHE_VARIABLE = "JIN_HUB_DB", "JIN_HUB_PUBLIC_URL", "JIN_HUB_CACHE_MB"


def app_from_env() -> FastAPI:
    """``create_app`` for the database and public URL in the environment: the import string
    uvicorn's worker processes (``jin-hub serve --workers N``) each build their app from."""
    locator = os.environ[DB_VARIABLE]
    return create_app(locator if backends.is_postgres(locator) else Path(locator), os.environ.get(PUBLIC_URL_VARIABLE),
                      int(os.environ.get(CACHE_VARIABLE, CACHE_BYTES >> 20)) << 20)
