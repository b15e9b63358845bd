"""Who is calling, may they, and the audit row of every data request.

Credentials: HTTP Basic (what a QGIS authcfg of type Basic sends, for the plugin and QGIS's own
OAPIF provider alike) or a per-user API key (``Authorization: Bearer jin_...`` or ``X-API-Key``).
Without credentials a caller is the public, allowed aggregates only if the hub admin said so.

Data endpoints depend on ``data_access``: it opens the request's audit entry *before* checking
credentials, so refused attempts are logged too, and the middleware writes the entry once the
response status is known. If the entry cannot be written the data is not sent (503): no
unaudited access.
"""

from __future__ import annotations

import base64
import binascii
import logging
import sqlite3
import threading
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from jin_hub import db
from jin_hub.access import auditlog, settings
from jin_hub.access.accounts import PUBLIC, Authenticator, LockedOut, Principal, Refused
from jin_hub.access.auditlog import Entry

LOG = logging.getLogger("jin_hub.audit")
REALM = 'Basic realm="JiN hub", charset="UTF-8"'


class AccessDb:
    """Read-write connections (one per thread) for credentials, settings and the audit log."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        db.connect(self.path).close()             # creates the access tables in an older hub database
        self._local = threading.local()
        self.authenticator = Authenticator(self.conn)

    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = db.connect(self.path)
        return conn


def get_access(request: Request) -> AccessDb:
    return request.app.state.access


def _unauthorised(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": REALM})


def authenticate(request: Request, access: AccessDb) -> Principal:
    """The caller named by the request's credentials, or the public; 401/429 when refused."""
    auth = access.authenticator
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    key = request.headers.get("x-api-key", "")
    try:
        if scheme.lower() == "basic":
            credentials = _basic(value)
            if credentials is None:
                raise _unauthorised("malformed Basic credentials: send base64(user:password)")
            return auth.password(*credentials)
        if scheme.lower() == "bearer" or key:
            return auth.api_key(value.strip() if scheme.lower() == "bearer" else key.strip())
    except LockedOut as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from exc
    except Refused as exc:
        raise _unauthorised(f"{exc}: check the user name and password (or API key)") from exc
    if header:
        raise _unauthorised(f"unsupported authorization scheme '{scheme}': use Basic or Bearer")
    if settings.allow_anonymous(access.conn()):
        return PUBLIC
    raise _unauthorised("this hub needs you to sign in: use your JiN account (HTTP Basic) or an API key")


def caller(request: Request, access: AccessDb = Depends(get_access)) -> Principal:
    """Dependency for endpoints that describe data (catalogue, collections): any allowed caller."""
    return authenticate(request, access)


def data_access(request: Request, access: AccessDb = Depends(get_access)) -> Entry:
    """Dependency for endpoints that return data: the caller, with the request's audit entry."""
    entry = Entry(method=request.method, endpoint=request.url.path, params=dict(request.query_params),
                  client=request.client.host if request.client else None,
                  dataset=request.path_params.get("dataset"))
    request.state.audit = entry
    try:
        entry.principal = authenticate(request, access)
    except HTTPException:
        entry.principal = Principal(_claimed_user(request), None, "refused")
        raise
    return entry


def _basic(value: str) -> tuple[str, str] | None:
    """(user, password) of a Basic credentials value, or None when it is malformed."""
    try:
        username, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if sep else None


def _claimed_user(request: Request) -> str | None:
    """The user name a refused request claimed (Basic), for the audit row."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    credentials = _basic(value) if scheme.lower() == "basic" else None
    return credentials[0][:64] or None if credentials else None


def require_partner(entry: Entry, what: str) -> None:
    """403/401 unless the caller signed in (record-level and admin data are never public)."""
    if entry.principal.is_public:
        raise _unauthorised(f"{what} needs a partner account: sign in with your JiN user name and password")


def install_audit(app: FastAPI) -> None:
    """Middleware writing the audit entry of every data request once its status is known."""

    @app.middleware("http")
    async def audit(request: Request, call_next):
        try:
            response = await call_next(request)
        except Exception:
            entry = getattr(request.state, "audit", None)
            if entry is not None:
                await run_in_threadpool(auditlog.append, app.state.access.conn(), entry, 500)
            raise
        # Data depends on who asks: shared or client caches must not hand it to someone else (QGIS's
        # network cache would otherwise serve a signed-in reply to a later unsigned request).
        response.headers.setdefault("Cache-Control", "private, no-store")
        response.headers["Vary"] = "Authorization, X-API-Key, Accept-Encoding"
        entry = getattr(request.state, "audit", None)
        if entry is None:
            return response
        if response.status_code >= 400:
            entry.rows = 0
        try:
            await run_in_threadpool(auditlog.append, app.state.access.conn(), entry, response.status_code)
        except sqlite3.Error as exc:
            LOG.error("audit log write failed, response withheld: %s", exc)
            return JSONResponse(status_code=503, content={
                "detail": "the hub cannot write its audit log just now, so it sends no data: try again shortly, "
                          "and tell the hub administrator if it persists"})
        return response
