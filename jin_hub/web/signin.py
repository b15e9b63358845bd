"""Signing in and out of the web pages: the API's accounts, lock-out and audit, with a session
cookie instead of credentials on every request."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool

from jin_hub.access import settings
from jin_hub.access.accounts import LockedOut, Principal, Refused
from jin_hub.access.auditlog import Entry
from jin_hub.api.security import AccessDb, Throttled, client_address, get_access, settled, throttled_as
from jin_hub.web import sessions

router = APIRouter(prefix="/web", tags=["web pages"], include_in_schema=False)
MAX_FORM = 4096                      # bytes of a sign-in form: a name, a password and a token


def current(request: Request, signing_key: bytes) -> tuple[sessions.Session | None, str]:
    """The request's session (None if absent, forged or expired) and a notice to show if expired."""
    cookie = request.cookies.get(sessions.COOKIE)
    if not cookie:
        return None, ""
    try:
        return sessions.decode(signing_key, cookie), ""
    except sessions.SessionExpired as exc:
        return None, str(exc)


def set_cookie(response: Response, request: Request, signing_key: bytes, session: sessions.Session) -> None:
    """HttpOnly (scripts cannot read it), SameSite=Strict (other sites' pages cannot send it) and
    Secure when the request came over TLS (uvicorn sets the scheme from a trusted proxy's
    X-Forwarded-Proto)."""
    response.set_cookie(sessions.COOKIE, sessions.encode(signing_key, session), max_age=sessions.LIFETIME,
                        path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


def _described(access: AccessDb, signing_key: bytes, session: sessions.Session, notice: str = "") -> dict:
    """What the page needs to know about its session: who, the CSRF token, whether anonymous is on."""
    who = sessions.principal(access.conn(), session)
    return {"user": who and who.username, "agency": who and who.agency, "role": who and who.role,
            "csrf": sessions.csrf_token(signing_key, session), "notice": notice,
            "anonymous": settings.allow_anonymous(access.conn())}


@router.get("/session", summary="The browser's session: who is signed in, and its CSRF token")
def session(request: Request, response: Response) -> dict:
    access = get_access(request)
    signing_key = sessions.key(access.conn())
    found, notice = current(request, signing_key)
    try:
        if found is not None:
            return _described(access, signing_key, found)
    except sessions.SessionExpired as exc:
        notice = str(exc)
    fresh = sessions.new(None)
    set_cookie(response, request, signing_key, fresh)
    return _described(access, signing_key, fresh, notice)


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        raise HTTPException(413, "the sign-in form is too large: send only user name, password and token")
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


def _checked(request: Request, signing_key: bytes, token: str) -> None:
    """403 unless ``token`` is the CSRF token of the request's own session."""
    found, notice = current(request, signing_key)
    if not sessions.csrf_ok(signing_key, found, token):
        raise HTTPException(403, notice or "this page is out of date (its security token does not match): "
                                           "reload the page and try again")


@router.post("/sign-in", summary="Sign in with a JiN user name and password")
async def sign_in(request: Request, response: Response) -> dict:
    access = get_access(request)
    signing_key = sessions.key(access.conn())
    form = await _form(request)
    _checked(request, signing_key, form.get("csrf", ""))
    username, password = form.get("username", "").strip(), form.get("password", "")
    client = throttled_as(client_address(request))
    entry = Entry(method=request.method, endpoint=request.url.path, params={}, client=client_address(request))
    entry.principal = Principal(username[:64] or None, None, "refused")
    request.state.audit = entry                    # the audit middleware writes it with the status
    if wait := access.unsigned.spend(client):
        raise Throttled(wait)
    if not username or not password:
        raise HTTPException(400, "enter both your user name and your password")
    try:
        who = await settled(access, await run_in_threadpool(access.authenticator.start, username, password, client))
    except LockedOut as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from exc
    except Refused as exc:
        raise HTTPException(401, f"{exc}: check your user name and password") from exc
    entry.principal = who
    fresh = sessions.new(who.username)
    await run_in_threadpool(lambda: sessions.keep(access.conn(), fresh))   # (this thread's connection)
    set_cookie(response, request, signing_key, fresh)
    return _described(access, signing_key, fresh)


@router.post("/sign-out", summary="End the browser's session")
async def sign_out(request: Request, response: Response) -> dict:
    access = get_access(request)
    signing_key = sessions.key(access.conn())
    _checked(request, signing_key, (await _form(request)).get("csrf", ""))
    ending = current(request, signing_key)[0]
    await run_in_threadpool(lambda: sessions.end(access.conn(), ending))
    fresh = sessions.new(None)
    set_cookie(response, request, signing_key, fresh)
    return _described(access, signing_key, fresh)
