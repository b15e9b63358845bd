"""A PostgreSQL/PostGIS server of the tests' (and benchmarks') own: ``initdb`` into a fresh
folder, ``pg_ctl`` on a free loopback port, run as the unprivileged ``postgres`` user when we are
root (PostgreSQL refuses to run as root). Password sign-in over TCP, as a deployment has it."""

from __future__ import annotations

import atexit
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

#: The role the hub signs in as: owns its databases, is no superuser.
HUB_ROLE = "jin"
#: A database with PostGIS in it, copied for each test's database.
TEMPLATE = "jin_template"


def binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make setup` (apt postgresql-15-postgis-3)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running server; ``url(db)`` signs in as the hub's role, ``admin(db)`` as the superuser."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="jin-pg-"))
        self.port = _free_port()
        self.password = secrets.token_hex(12)
        self.super_password = secrets.token_hex(12)
        self._user = "postgres" if os.geteuid() == 0 else None
        data, bin_dir = self.folder / "data", binaries()
        pwfile = self.folder / "pw"
        pwfile.write_text(self.super_password + "\n")
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        self._run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile, "--auth-host=scram-sha-256",
                  "--auth-local=scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync")
        self._ctl = [bin_dir / "pg_ctl", "-D", data, "-l", self.folder / "log", "-w", "-m", "fast", "-o",
                     f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                     "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"]
        self._run(*self._ctl, "start")
        self._stop = [bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"]
        atexit.register(self.stop)
        with psycopg.connect(self.admin("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {HUB_ROLE} LOGIN CREATEDB PASSWORD '{self.password}'")
            conn.execute(f"CREATE DATABASE {TEMPLATE} OWNER {HUB_ROLE}")
        with psycopg.connect(self.admin(TEMPLATE), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def _run(self, *command) -> None:
        subprocess.run(self._as_user(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.folder)

    def restart(self) -> None:
        """Stop and start the server (its clients' connections break, as at a real restart)."""
        self._run(*self._ctl, "restart")

    def url(self, database: str, password: str | None = None) -> str:
        return f"postgresql://{HUB_ROLE}:{password or self.password}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str) -> str:
        return f"postgresql://postgres:{self.super_password}@127.0.0.1:{self.port}/{database}"

    def create(self, name: str, template: str = TEMPLATE, postgis: bool = True) -> str:
        """A new database (with PostGIS unless not ``postgis``); its URL."""
        source = template if postgis else "template0"
        with psycopg.connect(self.admin("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" OWNER {HUB_ROLE}')
        return self.url(name)

    def drop(self, name: str) -> None:
        with psycopg.connect(self.admin("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._stop:
            subprocess.run(self._as_user(self._stop), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._stop = []
            shutil.rmtree(self.folder, ignore_errors=True)

    def _as_user(self, command) -> list[str]:
        args = [str(c) for c in command]
        return ["runuser", "-u", self._user, "--", *args] if self._user else args
