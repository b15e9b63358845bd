"""Agencies, users and API keys, and checking the credentials a request presents.

Passwords are argon2id hashes. Repeated failures for a user name from one client address (names
existing or not, so the answer never reveals which names exist) pause that name at that address
for a doubling period, and an address failing across many names is paused too, which turns online
password guessing into a crawl without letting an intruder lock the real user out. A successful
check is remembered for a few minutes so clients that send Basic credentials on every request
(QGIS's OAPIF provider pages through items) do not pay argon2 each time; so is a failed one, for
a client retrying a stale saved password from its address (its tries are still counted).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jin_hub.backends import Connection, writing

ROLES = ("analyst", "admin")
MIN_PASSWORD = 12
FREE_FAILURES = 5                    # failures for a name from one address before it is paused there
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(hours=1)
ADDRESS_FAILURES = 30                # failures from one address across all names before it is paused,
ADDRESS_LEAK = timedelta(minutes=2)  # ... of which one is forgotten every ADDRESS_LEAK (30 an hour)
ANY = "*"                            # sign_in_failures.username of an address's count across names
REMEMBER = 300.0                     # seconds a verified password is remembered (a wrong one too)
WRONG_KEPT = 10_000                  # wrong passwords remembered at most (the oldest forgotten first)
#: argon2 verifications at once: each uses up to 4 cores, so password guessing (every guess is
#: verified, the name known or not) cannot take all the hub's processors from signed-in callers.
VERIFYING = max(1, (os.cpu_count() or 2) // 2)
#: ... and they run at a lower priority (Linux: a thread's nice value, which argon2's own threads
#: inherit): 10 % of requests with wrong passwords took both cores of a 2-core hub, and signed-in
#: callers' replies waited seconds behind them.
VERIFY_NICE = 10
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
def add_agency(conn: Connection, agency_id: str, name: str) -> None:
    check_name("agency id", agency_id)
    if conn.execute("SELECT 1 FROM agencies WHERE id = ?", (agency_id,)).fetchone():
        raise AccessError(f"agency '{agency_id}' already exists")
    conn.execute("INSERT INTO agencies VALUES (?, ?, ?)", (agency_id, name.strip() or agency_id, _stamp(now())))


def agency_exists(conn: Connection, agency_id: str) -> None:
    if not conn.execute("SELECT 1 FROM agencies WHERE id = ?", (agency_id,)).fetchone():
        known = ", ".join(a for (a,) in conn.execute("SELECT id FROM agencies ORDER BY id")) or "none yet"
        raise AccessError(f"no agency '{agency_id}' (known: {known}); add it with: jin-hub agencies add "
                          f"{agency_id} \"Full name\"")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"password too short: use at least {MIN_PASSWORD} characters")


def add_user(conn: Connection, username: str, agency: str, role: str, password: str) -> None:
    check_name("user name", username)
    agency_exists(conn, agency)
    if role not in ROLES:
        raise AccessError(f"role '{role}' is not one of: {', '.join(ROLES)}")
    _check_password(password)
    if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
        raise AccessError(f"user '{username}' already exists; use 'jin-hub users passwd' to change the password")
    conn.execute("INSERT INTO users VALUES (?, ?, ?, ?, 0, ?)",
                 (username, agency, role, _HASHER.hash(password), _stamp(now())))


def _user_exists(conn: Connection, username: str) -> None:
    if not conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
        raise AccessError(f"no user '{username}'; see: jin-hub users list")


def set_password(conn: Connection, username: str, password: str) -> None:
    _user_exists(conn, username)
    _check_password(password)
    conn.execute("UPDATE users SET password_hash = ? WHERE username = ?", (_HASHER.hash(password), username))
    conn.execute("DELETE FROM web_sessions WHERE username = ?", (username,))     # a browser left signed in


def set_disabled(conn: Connection, username: str, disabled: bool) -> None:
    _user_exists(conn, username)
    conn.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username))
    if disabled:                                # (not revived if the account is enabled again)
        conn.execute("DELETE FROM web_sessions WHERE username = ?", (username,))


def unlock(conn: Connection, name: str) -> None:
    """Lift the pauses of a user name (at every address), or of a client address given instead."""
    conn.execute("DELETE FROM sign_in_failures WHERE username = ? OR (username = ? AND client = ?)",
                 (name, ANY, name))


def list_users(conn: Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT u.username, u.agency, u.role, u.disabled, u.created, f.failures, f.locked_until, "
        "(SELECT count(*) FROM api_keys k WHERE k.username = u.username AND k.revoked IS NULL) "
        "FROM users u LEFT JOIN (SELECT username, sum(failures) AS failures, max(locked_until) AS locked_until "
        "FROM sign_in_failures GROUP BY username) f ON f.username = u.username ORDER BY u.username")
    return [{"username": u, "agency": a, "role": r, "disabled": bool(d), "created": c,
             "failures": f or 0, "locked_until": lk, "api_keys": k} for u, a, r, d, c, f, lk, k in rows]


def create_api_key(conn: Connection, username: str, label: str = "") -> str:
    """A new key ``jin_<id>_<secret>``; only its hash is stored, so it is shown once."""
    _user_exists(conn, username)
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    conn.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)",
                 (key_id, username, hashlib.sha256(secret.encode()).hexdigest(), label, _stamp(now())))
    return f"jin_{key_id}_{secret}"


def revoke_api_key(conn: Connection, key_id: str) -> None:
    key_id = key_id.removeprefix("jin_").split("_")[0]
    if not conn.execute("UPDATE api_keys SET revoked = ? WHERE key_id = ? AND revoked IS NULL",
                        (_stamp(now()), key_id)).rowcount:
        raise AccessError(f"no active API key '{key_id}'; see: jin-hub users list")


# ---- checking credentials --------------------------------------------------------------------
def _period(failures: int) -> timedelta:
    """How long a name stays paused at an address after its ``failures``-th failure there."""
    return min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK)


def _wait(until: datetime, at: datetime) -> int:
    """Whole seconds (at least 1) from ``at`` until ``until``: a Retry-After."""
    return max(1, math.ceil((until - at).total_seconds()))


class Throttle:
    """Failed sign-ins, counted per user name and client address, and per address across names.

    A name paused at one address is not paused at another, so an intruder cannot lock the real
    user out, and one address cannot spray guesses over many names. A password is checked only
    after a try was reserved for it in one ``BEGIN IMMEDIATE`` transaction with the lock check:
    at most ``FREE_FAILURES`` a name from an address in any ``FIRST_LOCK`` (a try is given back
    only when its password proves right), so no number of concurrent guesses gets more wrong
    passwords checked. For the address (name ``ANY``) every check counts until it proves right,
    and one is forgotten every ``ADDRESS_LEAK``.
    """

    def __init__(self, conn: Connection):
        self.conn = conn

    def _row(self, username: str, client: str) -> tuple[int, datetime | None, int, datetime] | None:
        """(failures, locked until, tries, since) of a ``sign_in_failures`` row."""
        row = self.conn.execute("SELECT failures, locked_until, tries, since FROM sign_in_failures "
                                "WHERE username = ? AND client = ?", (username, client)).fetchone()
        return row and (row[0], row[1] and datetime.fromisoformat(row[1]), row[2], datetime.fromisoformat(row[3]))

    def _put(self, username: str, client: str, failures: int, locked: datetime | None, tries: int,
             since: datetime) -> None:
        if failures <= 0 and tries <= 0:
            self.conn.execute("DELETE FROM sign_in_failures WHERE username = ? AND client = ?", (username, client))
            return
        self.conn.execute("INSERT OR REPLACE INTO sign_in_failures VALUES (?, ?, ?, ?, ?, ?)",
                          (username, client, failures, locked and _stamp(locked), tries, _stamp(since)))

    def _address(self, client: str, at: datetime) -> tuple[int, datetime]:
        """The address's checks across names still counted, and when the next is forgotten from."""
        row = self._row(ANY, client)
        if row is None:
            return 0, at
        failures, since = row[0], row[3]
        forgotten = min(failures, int((at - since) / ADDRESS_LEAK))
        return failures - forgotten, (since + forgotten * ADDRESS_LEAK if forgotten < failures else at)

    def _refuse_if_locked(self, username: str, client: str, at: datetime) -> tuple | None:
        """``LockedOut`` if the name is paused at this address, or the address is; else the name's row."""
        row = self._row(username, client)
        if row and row[1] and row[1] > at:
            wait = _wait(row[1], at)
            raise LockedOut(f"too many failed sign-ins for '{username}' from your address: try again in {wait} s, "
                            "or ask the hub administrator to unlock the account", wait)
        failures, since = self._address(client, at)
        if failures >= ADDRESS_FAILURES:
            wait = _wait(since + ADDRESS_LEAK, at)
            raise LockedOut(f"too many failed sign-ins from your address: try again in {wait} s", wait)
        return row

    def check(self, username: str, client: str) -> None:
        """``LockedOut`` if the name is paused at this address, or the address is."""
        self._refuse_if_locked(username, client, now())

    def reserve(self, username: str, client: str) -> None:
        """Reserve the check of one password, or ``LockedOut`` (nothing checked). Once a name is
        paused, one try is allowed each time the pause ends."""
        with writing(self.conn):
            at = now()
            failures, locked, tries, since = self._refuse_if_locked(username, client, at) or (0, None, 0, at)
            if since + FIRST_LOCK <= at:
                tries, since = 0, at
            if tries >= (FREE_FAILURES if failures < FREE_FAILURES else 1):
                wait = _wait(since + FIRST_LOCK, at)
                raise LockedOut(f"too many sign-ins for '{username}' from your address just now: try again in "
                                f"{wait} s", wait)
            self._put(username, client, failures, locked, tries + 1, since)
            spent, next_forgotten = self._address(client, at)
            self._put(ANY, client, spent + 1, None, 0, next_forgotten)

    def settle(self, username: str, client: str, right: bool, reserved: bool) -> None:
        """Record how a check ended: a failure pauses the name at the address once there are
        ``FREE_FAILURES`` in a row, for ``_period``; a success forgives them and gives its try back
        (if it was reserved), to the name and the address."""
        with writing(self.conn):
            at = now()
            failures, locked, tries, since = self._row(username, client) or (0, None, 0, at)
            if right:
                failures, locked, tries = 0, None, max(0, tries - reserved)
                if reserved:
                    spent, next_forgotten = self._address(client, at)
                    self._put(ANY, client, spent - 1, None, 0, next_forgotten)
            else:
                failures += 1
                locked = at + _period(failures) if failures >= FREE_FAILURES else None
            self._put(username, client, failures, locked, tries, since)


@dataclass
class Attempt:
    """A sign-in waiting for its password check (``Authenticator.start``)."""

    username: str
    client: str
    user: tuple | None               # (agency, role, password hash, disabled), None for an unknown name
    outcome: Future | None           # -> whether the password is right (None: proven minutes ago)
    reserved: bool                   # whether this sign-in reserved the try that checks it
    joined: bool = False             # whether it joined a check of the same password already running


def _lower_priority() -> None:
    """Run this thread (and the threads it starts) at ``VERIFY_NICE``, where the OS allows it."""
    with suppress(AttributeError, OSError):    # (elsewhere the verification runs at normal priority)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), VERIFY_NICE)


class Authenticator:
    """Checks Basic credentials and API keys against the hub database (thread-safe).

    A name that does not exist (or a disabled user) costs the same argon2 verification as a real
    one, against a dummy hash of the same parameters, so the time taken does not tell which names
    exist.
    """

    def __init__(self, connect):
        self._connect = connect          # () -> this thread's read-write connection
        self._remembered: dict[str, tuple[bytes, str, float]] = {}
        self._pepper = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._dummy = _HASHER.hash(secrets.token_urlsafe(24))    # verified against for unknown names
        self._verifier = ThreadPoolExecutor(VERIFYING, thread_name_prefix="argon2", initializer=_lower_priority)
        self._checking: dict[tuple[str, str, bytes], Future] = {}    # passwords being checked now
        self._wrong: OrderedDict[tuple[str, str, bytes, str], float] = OrderedDict()   # ... proven wrong: when

    def _user(self, username: str) -> tuple | None:
        return self._connect().execute(
            "SELECT agency, role, password_hash, disabled FROM users WHERE username = ?", (username,)).fetchone()

    def password(self, username: str, password: str, client: str) -> Principal:
        """The user, or ``Refused`` / ``LockedOut``; ``client`` is the caller's address. (Waits in
        this thread for a verification: the API awaits ``start``'s ``Attempt`` instead.)"""
        found = self.start(username, password, client)
        if isinstance(found, Principal):
            return found
        try:
            right = found.outcome.result()
        except BaseException:
            self.failed(found)
            raise
        return self.finish(found, right)

    def start(self, username: str, password: str, client: str) -> Principal | Attempt:
        """The user, if the password was proven minutes ago (``check``: unless paused here);
        else the ``Attempt`` whose ``outcome`` says whether it is right, to pass to ``finish``.

        A password not proven yet is checked only in a reserved try, at a lower priority and
        without holding the caller's thread. Requests with the same name and password while it is
        being checked join that check instead of reserving tries of their own: QGIS opening a
        project sends several at once, and they would otherwise spend the name's free tries and
        be paused with the right password. A joined request then passes as a password proven
        minutes ago does. ``Refused`` / ``LockedOut`` as ``password``."""
        username = username[:64]               # (names have at most 63 characters: a longer one is unknown)
        user = self._user(username)
        stored = user[2] if user else self._dummy
        token = hmac.new(self._pepper, password.encode(), "sha256").digest()
        if self._remembered_as(username, stored, token):
            Throttle(self._connect()).check(username, client)
            return self.finish(Attempt(username, client, user, None, reserved=False), True)
        key = (username, stored, token)
        with self._lock:
            running = self._checking.get(key)
            if running is not None:
                return Attempt(username, client, user, running, reserved=False, joined=True)
            running = self._checking[key] = Future()
        try:
            Throttle(self._connect()).reserve(username, client)
        except BaseException as exc:
            self._settle_check(key, running, exc)
            raise
        verified = self._verify(username, password, stored, token, client)
        verified.add_done_callback(lambda done: self._settle_check(key, running, done.exception(), done))
        return Attempt(username, client, user, running, reserved=True)

    def _settle_check(self, key: tuple, running: Future, error: BaseException | None,
                      done: Future | None = None) -> None:
        """End the check of ``key``: later requests start their own; joined ones get its outcome."""
        with self._lock:
            del self._checking[key]
        if error is not None:
            running.set_exception(error)
        else:
            running.set_result(done.result())

    def finish(self, attempt: Attempt, right: bool) -> Principal:
        """Record how ``attempt`` ended; the user, or ``Refused`` / ``LockedOut``."""
        throttle = Throttle(self._connect())
        username, client, user = attempt.username, attempt.client, attempt.user
        if right and attempt.joined:
            throttle.check(username, client)   # as a password proven just now: unless paused here
        right = right and user is not None and not user[3]
        if attempt.reserved or not right or (user and self._has_failures(username, client)):
            throttle.settle(username, client, right, attempt.reserved)
        if not right:
            raise Refused("user name or password not accepted")
        return Principal(username, user[0], user[1])

    def failed(self, attempt: Attempt) -> None:
        """The verification itself failed (not a wrong password): its reserved try counts as one."""
        if attempt.reserved:
            Throttle(self._connect()).settle(attempt.username, attempt.client, False, True)

    def _has_failures(self, username: str, client: str) -> bool:
        return self._connect().execute("SELECT 1 FROM sign_in_failures WHERE username = ? AND client = ? "
                                       "AND failures > 0", (username, client)).fetchone() is not None

    def _remembered_as(self, username: str, stored: str, token: bytes) -> bool:
        with self._lock:
            seen = self._remembered.get(username)
        return bool(seen and seen[1] == stored and time.monotonic() - seen[2] < REMEMBER
                    and hmac.compare_digest(seen[0], token))

    def _verify(self, username: str, password: str, stored: str, token: bytes, client: str) -> Future:
        """Whether ``password`` matches ``stored`` (a future): argon2, unless this very password
        was proven wrong for this name from this address minutes ago (a client retrying a stale
        saved password would otherwise cost a verification a request; every try is still counted
        by the throttle). Only the same address: from another one, a quick refusal would tell that
        someone had recently tried that password for that name (a user's typo of the real one, say)."""
        key = (username, stored, token, client)
        with self._lock:
            wrong_at = self._wrong.get(key)
        if wrong_at is not None and time.monotonic() - wrong_at < REMEMBER:
            known: Future = Future()
            known.set_result(False)
            return known
        return self._verifier.submit(self._argon2, key, password)

    def _argon2(self, key: tuple[str, str, bytes, str], password: str) -> bool:
        username, stored, token, _ = key
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            with self._lock:
                self._wrong[key] = time.monotonic()
                self._wrong.move_to_end(key)
                while len(self._wrong) > WRONG_KEPT:
                    self._wrong.popitem(last=False)
            return False
        with self._lock:
            self._remembered[username] = (token, stored, time.monotonic())
        return True

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
