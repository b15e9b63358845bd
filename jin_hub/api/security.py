"""Who is calling, may they, and the audit row of every data request.

Credentials: HTTP Basic (what a QGIS authcfg of type Basic sends, for the plugin and QGIS's own
OAPIF provider alike) or a per-user API key (``Authorization: Bearer jin_...`` or ``X-API-Key``).
Without credentials a caller is the public, allowed aggregates only if the hub admin said so.

Data endpoints depend on ``data_access``: it opens the request's audit entry *before* checking
credentials, so refused attempts are logged too; endpoints that only describe data depend on
``caller``, which opens one when it refuses a sign-in. The middleware hands the entry to the one
audit writer once the response status is known, and sends the response only after the row is
committed; if it cannot be, the client gets 503 and no data, and a row saying 503 if the log takes
one. Callers who are not signed in have a request budget per client address, because each of
their requests leaves a row in the undeletable log.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import logging
import math
import threading
import time

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from jin_hub import db
from jin_hub.access import auditlog, settings
from jin_hub.access.accounts import PUBLIC, Attempt, Authenticator, LockedOut, Principal, Refused
from jin_hub.access.auditlog import Entry
from jin_hub.backends import Connection, Locator
from jin_hub.web import sessions

LOG = logging.getLogger("jin_hub.audit")
REALM = 'Basic realm="JiN hub", charset="UTF-8"'
#: The 401 challenge for programs that sign in by themselves (``X-Requested-With``), see ``challenge``.
PROGRAM_REALM = 'Bearer realm="JiN hub"'
UNSIGNED_BURST = 120         # requests one client address may make without signing in, at once,
UNSIGNED_RATE = 2.0          # ... and then this many a second


class Budget:
    """A token bucket per client address (in memory): ``burst`` requests at once, then ``rate`` a
    second. Thread-safe; addresses whose bucket is full again are forgotten. Each hub process
    (``serve --workers N``) has its own, so an address may make N times as many: it only bounds
    the audit rows unsigned callers leave, whereas sign-in failures are counted in the database."""

    def __init__(self, burst: int, rate: float):
        self.burst, self.rate = burst, rate
        self._left: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def spend(self, client: str) -> int:
        """Take one request from ``client``'s budget: 0, or the seconds to wait when it is spent."""
        at = time.monotonic()
        with self._lock:
            tokens, since = self._left.get(client, (self.burst, at))
            tokens = min(self.burst, tokens + (at - since) * self.rate)
            if tokens < 1:
                self._left[client] = (tokens, at)
                return max(1, math.ceil((1 - tokens) / self.rate))
            self._left[client] = (tokens - 1, at)
            if len(self._left) > 10_000:
                self._left = {c: (t, s) for c, (t, s) in self._left.items()
                              if t + (at - s) * self.rate < self.burst}
        return 0


class AccessDb:
    """Read-write connections (one per thread) for credentials and settings, the audit writer,
    and the budget of callers who are not signed in."""

    def __init__(self, path: Locator):
        self.path = path
        db.connect(self.path).close()             # creates the access tables in an older hub database
        self._local = threading.local()
        self.authenticator = Authenticator(self.conn)
        self.audit = auditlog.Writer(self.path)
        self.unsigned = Budget(UNSIGNED_BURST, UNSIGNED_RATE)

    def conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.broken:                 # (a restarted PostgreSQL server: connect again)
            conn = self._local.conn = db.connect(self.path)
        return conn


class Throttled(HTTPException):
    """429 for a caller who is not signed in and has spent the address's request budget."""

    def __init__(self, wait: int):
        super().__init__(429, f"too many requests without signing in from your address: try again in {wait} s, "
                              "or sign in", headers={"Retry-After": str(wait)})


def get_access(request: Request) -> AccessDb:
    return request.app.state.access


def _unauthorised(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": REALM})


def challenge(request: Request) -> str:
    """The ``WWW-Authenticate`` of a 401 for this request.

    Basic, so that browsers show their sign-in box and curl, GDAL or QGIS's own OGC providers can
    answer it. Not for a program that sends ``X-Requested-With`` (the JiN plugin; the convention
    web pages' scripts use to keep a browser's box away): Qt, under QGIS's network manager on every
    QGIS version, meets any Basic, Digest, NTLM or Negotiate challenge with QGIS's "Authentication
    required" prompt, even when the request's authcfg already sent a (wrong) password. QGIS offers
    plugins no way to decline that prompt (its handler is application-wide and not in the Python
    API), so the hub names a scheme Qt does not answer: Bearer, which the hub accepts too (API
    keys). The program then gets the 401 and its message, and says what to fix in its own words.
    """
    return PROGRAM_REALM if request.headers.get("x-requested-with") else REALM


def client_address(request: Request) -> str:
    """The caller's address (the real one behind a proxy trusted with ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def throttled_as(address: str) -> str:
    """What sign-in pauses and the request budget count a client address as: an IPv4 address
    itself, an IPv6 address by its /64 network (one subscriber's share, which it can fill with
    addresses of its choosing)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _credentials(request: Request, access: AccessDb) -> Principal | Attempt | None:
    """The caller named by the request's credentials, or the ``Attempt`` whose password check is
    to be awaited; None without credentials. (In a worker thread: it reads the database.)"""
    auth = access.authenticator
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    key = request.headers.get("x-api-key", "")
    if scheme.lower() == "basic":
        credentials = _basic(value)
        if credentials is None:
            raise _unauthorised("malformed Basic credentials: send base64(user:password)")
        return auth.start(*credentials, throttled_as(client_address(request)))
    if scheme.lower() == "bearer" or key:
        return auth.api_key(value.strip() if scheme.lower() == "bearer" else key.strip())
    if header:
        raise _unauthorised(f"unsupported authorization scheme '{scheme}': use Basic or Bearer")
    return _session_user(request, access)


def _session_user(request: Request, access: AccessDb) -> Principal | None:
    """The user a web session cookie names (the hub's own pages), for reading only: the cookie
    is SameSite=Strict, and nothing the API changes may be done with it."""
    cookie = request.cookies.get(sessions.COOKIE)
    if not cookie or request.method not in ("GET", "HEAD"):
        return None
    try:
        session = sessions.decode(sessions.key(access.conn()), cookie)
        return session and sessions.principal(access.conn(), session)
    except sessions.SessionExpired as exc:
        raise _unauthorised(str(exc)) from exc


async def settled(access: AccessDb, found: Principal | Attempt | None) -> Principal | None:
    """The caller once an ``Attempt``'s password check is over (awaited; ``Refused`` if wrong)."""
    if isinstance(found, Attempt):
        try:
            right = await asyncio.wrap_future(found.outcome)
        except BaseException:
            await run_in_threadpool(access.authenticator.failed, found)
            raise
        found = await run_in_threadpool(access.authenticator.finish, found, right)
    return found


async def _signed_in(request: Request, access: AccessDb) -> Principal | None:
    """The caller named by the request's credentials, None without credentials; 401/429 when
    refused. A password check is awaited, not waited for in a thread: checks run one or two at a
    time at a low priority, and under a flood of guesses the requests waiting for theirs would
    otherwise hold every worker thread while signed-in callers queue behind them."""
    try:
        return await settled(access, await run_in_threadpool(_credentials, request, access))
    except LockedOut as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from exc
    except Refused as exc:
        raise _unauthorised(f"{exc}: check the user name and password (or API key)") from exc


async def authenticate(request: Request, access: AccessDb) -> Principal:
    """The caller named by the request's credentials, or the public; 401/429 when refused. Every
    request that ends not signed in spends one from its address's budget (429 when spent)."""
    client = throttled_as(client_address(request))
    try:
        principal = await _signed_in(request, access)
    except HTTPException as exc:
        if wait := access.unsigned.spend(client):
            raise Throttled(wait) from exc
        raise
    if principal is not None:
        return principal
    if wait := access.unsigned.spend(client):
        raise Throttled(wait)
    if await run_in_threadpool(lambda: settings.allow_anonymous(access.conn())):
        return PUBLIC
    raise _unauthorised("this hub needs you to sign in: use your JiN account (HTTP Basic) or an API key")


def _open_entry(request: Request) -> Entry:
    """The request's audit entry, which the middleware writes once the status is known."""
    entry = Entry(method=request.method, endpoint=request.url.path, params=dict(request.query_params),
                  client=client_address(request), dataset=request.path_params.get("dataset"))
    request.state.audit = entry
    return entry


def _refused(entry: Entry, request: Request, exc: HTTPException) -> None:
    """Fill in a refused request's entry: the name it claimed; no parameters if it was throttled."""
    entry.principal = Principal(_claimed_user(request), None, "refused")
    if isinstance(exc, Throttled):
        entry.params = {auditlog.DROPPED: "not logged: too many requests without signing in"}


async def caller(request: Request, access: AccessDb = Depends(get_access)) -> Principal:
    """Dependency for endpoints that describe data (catalogue, collections): any allowed caller.
    A refused sign-in is audited like one on a data endpoint."""
    try:
        return await authenticate(request, access)
    except HTTPException as exc:
        _refused(_open_entry(request), request, exc)
        raise


async def data_access(request: Request, access: AccessDb = Depends(get_access)) -> Entry:
    """Dependency for endpoints that return data: the caller, with the request's audit entry."""
    entry = _open_entry(request)
    try:
        entry.principal = await authenticate(request, access)
    except HTTPException as exc:
        _refused(entry, request, exc)
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


async def _logged(access: AccessDb, entry: Entry, status: int) -> bool:
    """Whether ``entry`` is now in the audit log with ``status`` (committed by the writer)."""
    try:
        await asyncio.wrap_future(access.audit.write(entry, status))
    except Exception as exc:                      # whatever kept the row out, no data goes without it
        LOG.error("audit log write failed (status %s): %s", status, exc)
        return False
    return True


def install_audit(app: FastAPI) -> None:
    """Middleware writing the audit entry of every data request once its status is known, before
    the response goes out."""

    @app.middleware("http")
    async def audit(request: Request, call_next):
        access = get_access(request)
        try:
            response = await call_next(request)
        except Exception:
            entry = getattr(request.state, "audit", None)
            if entry is not None:
                entry.rows = 0
                await _logged(access, entry, 500)
            raise
        # Data depends on who asks: shared or client caches must not hand it to someone else (QGIS's
        # network cache would otherwise serve a signed-in reply to a later unsigned request).
        response.headers.setdefault("Cache-Control", "private, no-store")
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = challenge(request)
        response.headers["Vary"] = "Authorization, X-API-Key, X-Requested-With, Accept-Encoding"   # the challenge
        entry = getattr(request.state, "audit", None)
        if entry is None:
            return response
        if response.status_code >= 400:
            entry.rows = 0
        if await _logged(access, entry, response.status_code):
            return response
        entry.rows = 0
        await _logged(access, entry, 503)        # so that the row, if the log takes one now, says 503
        return JSONResponse(status_code=503, content={
            "detail": "the hub cannot write its audit log just now, so it sends no data: try again shortly, "
                      "and tell the hub administrator if it persists"})
