"""Web sessions: a signed cookie naming the user, so staff without QGIS sign in once per day.

The cookie holds the user name, a random session id and its expiry, signed (HMAC-SHA256) with a
key kept in the hub database's settings, so every hub process (``serve --workers N``) and a
restarted hub accept it. A signed-in session is also recorded in ``web_sessions``, by a hash of its
id only: signing out (or a new password, or a disabled account) ends it in every process at once,
and a copy of the database, which holds the key but no id, cannot make a cookie that signs anyone
in. The user is looked up on every request. CSRF tokens are an HMAC of the session id: a form
post must carry the token of the cookie it arrives with, which another site cannot read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from jin_hub.access.accounts import Principal
from jin_hub.backends import Connection, writing

COOKIE = "jin_session"
LIFETIME = 8 * 3600               # seconds a sign-in lasts: a working day, then sign in again
KEY_SETTING = "web_session_key"
_keys: dict[str, bytes] = {}      # database locator -> key, read once per process
_keys_lock = threading.Lock()


class SessionExpired(Exception):
    """The cookie was once valid (or claims to be) but is no longer: sign in again."""


@dataclass(frozen=True)
class Session:
    """One browser's session: ``user`` None until it signs in."""

    sid: str
    user: str | None
    expires: float


def key(conn: Connection) -> bytes:
    """The signing key, created at first use in one write transaction (so concurrent hub
    processes agree on it) and kept in ``settings``."""
    with _keys_lock:
        if conn.locator in _keys:
            return _keys[conn.locator]
        with writing(conn):
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (KEY_SETTING,)).fetchone()
            value = row[0] if row else secrets.token_hex(32)
            if not row:
                conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (KEY_SETTING, value))
        _keys[conn.locator] = bytes.fromhex(value)
        return _keys[conn.locator]


def _id_hash(session: Session) -> str:
    return hashlib.sha256(session.sid.encode()).hexdigest()


def _sign(signing_key: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(signing_key, payload, hashlib.sha256).digest()).decode().rstrip("=")


def new(user: str | None, lifetime: float = LIFETIME) -> Session:
    """A fresh session (a new id at every sign-in, so a planted cookie is never promoted); one
    with a user must be ``kept`` before its cookie signs anyone in."""
    return Session(secrets.token_urlsafe(18), user, time.time() + lifetime)


def keep(conn: Connection, session: Session) -> None:
    """Record a signed-in session (sessions long expired are cleared out at the same time)."""
    with writing(conn):
        conn.execute("DELETE FROM web_sessions WHERE expires < ?", (time.time(),))
        conn.execute("INSERT INTO web_sessions VALUES (?, ?, ?)", (_id_hash(session), session.user, session.expires))


def end(conn: Connection, session: Session | None) -> None:
    """Sign a session out, in every hub process at once."""
    if session is not None and session.user is not None:
        with writing(conn):
            conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (_id_hash(session),))


def encode(signing_key: bytes, session: Session) -> str:
    payload = json.dumps({"sid": session.sid, "user": session.user, "exp": round(session.expires)},
                         separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _sign(signing_key, payload)


def decode(signing_key: bytes, cookie: str) -> Session | None:
    """The session a cookie holds; None if it is not one of ours (forged or damaged);
    ``SessionExpired`` once its time is up."""
    body, _, signature = cookie.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        return None
    if not hmac.compare_digest(_sign(signing_key, payload), signature):
        return None
    data = json.loads(payload)
    if data["exp"] < time.time():
        raise SessionExpired("your web session has expired: sign in again")
    return Session(data["sid"], data["user"], float(data["exp"]))


def csrf_token(signing_key: bytes, session: Session) -> str:
    """The token a form must send with this session's cookie."""
    return _sign(signing_key, b"csrf:" + session.sid.encode())


def csrf_ok(signing_key: bytes, session: Session | None, token: str) -> bool:
    return session is not None and hmac.compare_digest(csrf_token(signing_key, session), token or "")


def principal(conn: Connection, session: Session) -> Principal | None:
    """The signed-in user of a session, looked up now (None for a session without one);
    ``SessionExpired`` if it was signed out or the user has since been disabled or removed."""
    if session.user is None:
        return None
    row = conn.execute("SELECT u.agency, u.role, u.disabled, s.username FROM users u LEFT JOIN web_sessions s "
                       "ON s.id_hash = ? AND s.username = u.username WHERE u.username = ?",
                       (_id_hash(session), session.user)).fetchone()
    if row is None or row[2]:
        raise SessionExpired("your account is no longer active: ask the hub administrator")
    if row[3] is None:
        raise SessionExpired("this web session has ended (signed out, or the password changed): sign in again")
    return Principal(session.user, row[0], row[1])
