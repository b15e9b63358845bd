"""Agencies, users and API keys, and checking the credentials a request presents.

Passwords are argon2id hashes. Repeated failures for a user name (existing or not, so the answer
never reveals which names exist) lock it out for a doubling period, which turns online password
guessing into a crawl. A successful check is remembered for a few minutes so clients that send
Basic credentials on every request (QGIS's OAPIF provider pages through items) do not pay argon2
each time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("analyst", "admin")
MIN_PASSWORD = 12
FREE_FAILURES = 5                    # failures before the first lock-out
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(hours=1)
REMEMBER = 300.0                     # seconds a verified password is remembered
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_HASHER = PasswordHasher()


class AccessError(ValueError):
    """An admin command cannot be carried out; the message says why and what to do."""


class Refused(Exception):
    """Credentials were refused (401)."""


class LockedOut(Refused):
    """Too many failures for this user name; ``retry_after`` seconds until it may try again."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a user of an agency with a role, or the anonymous public."""

    username: str | None
    agency: str | None
    role: str                        # public | analyst | admin

    @property
    def is_public(self) -> bool:
        return self.username is None


PUBLIC = Principal(None, None, "public")


def now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def check_name(kind: str, name: str) -> str:
    if not _NAME.match(name or ""):
        raise AccessError(f"{kind} '{name}' is not valid: use 2-63 lower-case letters, digits, '.', '_' or '-'")
    return name


# ---- administration ------------------------------------------------------------------------
def add_agency(conn: sqlite3.Connection, agency_id: str, name: str) -> None:
    check_name("agency id", agency_id)
    if conn.execute("SELECT 1 FROM agencies WHERE id = ?", (agency_id,)).fetchone():
        raise AccessError(f"agency '{agency_id}' already exists")
    conn.execute("INSERT INTO agencies VALUES (?, ?, ?)", (agency_id, name.strip() or agency_id, _stamp(now())))


def agency_exists(conn: sqlite3.Connection, agency_id: str) -> None:
    if not conn.execute("SELECT 1 FROM agencies WHERE id = ?", (agency_id,)).fetchone():
        known = ", ".join(a for (a,) in conn.execute("SELECT id FROM agencies ORDER BY id")) or "none yet"
        raise AccessError(f"no agency '{agency_id}' (known: {known}); add it with: jin-hub agencies add "
                          f"{agency_id} \"Full name\"")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"password too short: use at least {MIN_PASSWORD} characters")


def add_user(conn: sqlite3.Connection, username: str, agency: str, role: str, password: str) -> None:
    check_name("user name", username)
    agency_exists(conn, agency)
    if role not in ROLES:
        raise AccessError(f"role '{role}' is not one of: {', '.join(ROLES)}")
    _check_password(password)
    if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
        raise AccessError(f"user '{username}' already exists; use 'jin-hub users passwd' to change the password")
    conn.execute("INSERT INTO users VALUES (?, ?, ?, ?, 0, ?)",
                 (username, agency, role, _HASHER.hash(password), _stamp(now())))


def _user_exists(conn: sqlite3.Connection, username: str) -> None:
    if not conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
        raise AccessError(f"no user '{username}'; see: jin-hub users list")


def set_password(conn: sqlite3.Connection, username: str, password: str) -> None:
    _user_exists(conn, username)
    _check_password(password)
    conn.execute("UPDATE users SET password_hash = ? WHERE username = ?", (_HASHER.hash(password), username))


def set_disabled(conn: sqlite3.Connection, username: str, disabled: bool) -> None:
    _user_exists(conn, username)
    conn.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username))


def unlock(conn: sqlite3.Connection, username: str) -> None:
    conn.execute("DELETE FROM login_failures WHERE username = ?", (username,))


def list_users(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT u.username, u.agency, u.role, u.disabled, u.created, f.failures, f.locked_until, "
        "(SELECT count(*) FROM api_keys k WHERE k.username = u.username AND k.revoked IS NULL) "
        "FROM users u LEFT JOIN login_failures f ON f.username = u.username ORDER BY u.username")
    return [{"username": u, "agency": a, "role": r, "disabled": bool(d), "created": c,
             "failures": f or 0, "locked_until": lk, "api_keys": k} for u, a, r, d, c, f, lk, k in rows]


def create_api_key(conn: sqlite3.Connection, username: str, label: str = "") -> str:
    """A new key ``jin_<id>_<secret>``; only its hash is stored, so it is shown once."""
    _user_exists(conn, username)
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    conn.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)",
                 (key_id, username, hashlib.sha256(secret.encode()).hexdigest(), label, _stamp(now())))
    return f"jin_{key_id}_{secret}"


def revoke_api_key(conn: sqlite3.Connection, key_id: str) -> None:
    key_id = key_id.removeprefix("jin_").split("_")[0]
    if not conn.execute("UPDATE api_keys SET revoked = ? WHERE key_id = ? AND revoked IS NULL",
                        (_stamp(now()), key_id)).rowcount:
        raise AccessError(f"no active API key '{key_id}'; see: jin-hub users list")


# ---- checking credentials --------------------------------------------------------------------
class Authenticator:
    """Checks Basic credentials and API keys against the hub database (thread-safe)."""

    def __init__(self, connect):
        self._connect = connect          # () -> this thread's read-write connection
        self._remembered: dict[str, tuple[bytes, str, float]] = {}
        self._pepper = secrets.token_bytes(32)
        self._lock = threading.Lock()

    def _user(self, username: str) -> tuple | None:
        return self._connect().execute(
            "SELECT agency, role, password_hash, disabled FROM users WHERE username = ?", (username,)).fetchone()

    def password(self, username: str, password: str) -> Principal:
        """The user, or ``Refused`` / ``LockedOut``."""
        conn = self._connect()
        lock = conn.execute("SELECT locked_until FROM login_failures WHERE username = ?", (username,)).fetchone()
        if lock and lock[0] and datetime.fromisoformat(lock[0]) > now():
            wait = int((datetime.fromisoformat(lock[0]) - now()).total_seconds()) + 1
            raise LockedOut(f"too many failed sign-ins for '{username}': try again in {wait} s, or ask the hub "
                            "administrator to unlock the account", wait)
        user = self._user(username)
        if user is None or user[3] or not self._verify(username, password, user[2]):
            self._failed(conn, username)
            raise Refused("user name or password not accepted")
        if lock:
            unlock(conn, username)
        return Principal(username, user[0], user[1])

    def _verify(self, username: str, password: str, stored: str) -> bool:
        token = hmac.new(self._pepper, password.encode(), "sha256").digest()
        with self._lock:
            seen = self._remembered.get(username)
        if seen and seen[1] == stored and time.monotonic() - seen[2] < REMEMBER \
                and hmac.compare_digest(seen[0], token):
            return True
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        with self._lock:
            self._remembered[username] = (token, stored, time.monotonic())
        return True

    @staticmethod
    def _failed(conn: sqlite3.Connection, username: str) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT failures FROM login_failures WHERE username = ?", (username,)).fetchone()
            failures = (row[0] if row else 0) + 1
            locked = None
            if failures >= FREE_FAILURES:
                period = min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK)
                locked = _stamp(now() + period)
            conn.execute("INSERT OR REPLACE INTO login_failures VALUES (?, ?, ?)", (username, failures, locked))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def api_key(self, key: str) -> Principal:
        """The key's user, or ``Refused``."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != "jin":
            raise Refused("API key not accepted (expected jin_<id>_<secret>)")
        row = self._connect().execute(
            "SELECT k.key_sha256, u.username, u.agency, u.role, u.disabled FROM api_keys k "
            "JOIN users u ON u.username = k.username WHERE k.key_id = ? AND k.revoked IS NULL",
            (parts[1],)).fetchone()
        digest = hashlib.sha256(parts[2].encode()).hexdigest()
        if row is None or row[4] or not hmac.compare_digest(row[0], digest):
            raise Refused("API key not accepted: it is unknown, revoked or its user is disabled")
        return Principal(row[1], row[2], row[3])
