"""``jin-hub`` commands for access control: agencies, users and API keys, record-level grants,
anonymous access, zones, and the audit log."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Callable

from jin_hub.access import accounts, auditlog, grants, settings


def _password(args: argparse.Namespace) -> str:
    """From stdin (scripts) or typed twice at a prompt; never from the command line."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise accounts.AccessError("no terminal to type a password: pipe it in with --password-stdin")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise accounts.AccessError("the two passwords differ; nothing changed")
    return first


def _table(rows: list[dict], columns: list[str]) -> None:
    if not rows:
        print("(none)")
        return
    cells = [{c: "-" if r[c] is None else str(r[c]) for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in cells)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for r in cells:
        print("  ".join(r[c].ljust(widths[c]) for c in columns).rstrip())


def _need(value: str | None, usage: str) -> str:
    if not value:
        raise accounts.AccessError(f"missing argument; usage: jin-hub {usage}")
    return value


def cmd_agencies(args: argparse.Namespace, conn) -> None:
    if args.action == "add":
        accounts.add_agency(conn, _need(args.id, "agencies add ID \"Full name\""), args.name or args.id)
        print(f"added agency {args.id}")
        return
    _table([{"id": i, "name": n, "created": c} for i, n, c in conn.execute("SELECT * FROM agencies ORDER BY id")],
           ["id", "name", "created"])


def cmd_users(args: argparse.Namespace, conn) -> None:
    action = args.action
    if action != "list":
        _need(args.username, f"users {action} USERNAME")
    if action == "add":
        if not args.agency:
            raise accounts.AccessError("say which agency the user works for: --agency ID")
        accounts.add_user(conn, args.username, args.agency, args.role, _password(args))
        print(f"added {args.role} {args.username} ({args.agency})")
    elif action == "passwd":
        accounts.set_password(conn, args.username, _password(args))
        print(f"password of {args.username} changed")
    elif action in ("disable", "enable"):
        accounts.set_disabled(conn, args.username, action == "disable")
        print(f"{args.username} {action}d")
    elif action == "unlock":
        accounts.unlock(conn, args.username)
        print(f"{args.username} unlocked")
    elif action == "key":
        key = accounts.create_api_key(conn, args.username, args.label or "")
        print(f"API key for {args.username} (shown once; store it like a password):\n{key}")
    elif action == "revoke-key":
        accounts.revoke_api_key(conn, args.username)
        print(f"API key {args.username} revoked")
    else:
        _table(accounts.list_users(conn), ["username", "agency", "role", "disabled", "failures", "locked_until",
                                           "api_keys", "created"])


def cmd_grants(args: argparse.Namespace, conn) -> None:
    if args.action != "list":
        _need(args.agency and args.dataset, f"grants {args.action} AGENCY DATASET")
    if args.action == "add":
        grants.add(conn, args.agency, args.dataset, args.protocol or "")
        print(f"{args.agency} may now fetch {args.dataset} records (protocol: {args.protocol})")
    elif args.action == "revoke":
        grants.revoke(conn, args.agency, args.dataset)
        print(f"{args.agency} may no longer fetch {args.dataset} records")
    else:
        _table(grants.listing(conn), ["agency", "dataset", "protocol", "granted"])


def cmd_anonymous(args: argparse.Namespace, conn) -> None:
    if args.state in ("on", "off"):
        settings.set_anonymous(conn, args.state == "on")
    allowed = settings.allow_anonymous(conn)
    print("anonymous access to aggregates is " + ("ON: anyone who can reach the hub sees published aggregates"
                                                  if allowed else "OFF: every caller must sign in"))


def cmd_zones(args: argparse.Namespace, conn) -> None:
    from jin_hub import zones

    if args.action != "list":
        _need(args.name, f"zones {args.action} NAME")
    if args.action == "add":
        codes = [c.strip() for c in (args.areas or "").split(",") if c.strip()]
        zone_id = zones.add(conn, args.name, args.kind, args.geography, codes)
        print(f"zone {zone_id}: {len(codes)} {args.geography} areas")
    elif args.action == "remove":
        zones.remove(conn, args.name)
        print(f"zone {args.name} removed")
    else:
        _table([{**z, "areas": len(z["areas"])} for z in zones.listing(conn)],
               ["id", "name", "kind", "geography", "areas"])


def cmd_audit(args: argparse.Namespace, conn) -> None:
    if args.action == "verify":
        n, broken = auditlog.verify(conn)
        if broken:
            raise accounts.AccessError(f"audit log chain broken at rows {', '.join(map(str, broken[:20]))} "
                                       f"of {n}: the log was altered outside the hub")
        print(f"audit log intact: {n} rows, hash chain verified")
        return
    rows = auditlog.query(conn, args.since, args.until, args.user, args.agency, args.dataset, args.limit)
    fmt = args.format or ("csv" if args.action == "export" else "table")
    if fmt == "csv":
        text = auditlog.to_csv(rows)
    elif fmt == "json":
        text = json.dumps(rows, indent=1) + "\n"
    else:
        shown = [{**r, "who": f"{r['username'] or '-'}@{r['agency'] or '-'}", "params": r["params"][:60]}
                 for r in rows]
        _table(shown, ["seq", "at", "who", "role", "endpoint", "dataset", "status", "rows", "purpose"])
        return
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} audit rows to {args.output}")
    else:
        sys.stdout.write(text)


def add_commands(sub, run: Callable) -> None:
    """Register the access-control subcommands; ``run(func)`` wraps one with a database connection."""
    p = sub.add_parser("agencies", help="partner agencies party to the data sharing protocol")
    p.add_argument("action", choices=["list", "add"])
    p.add_argument("id", nargs="?", help="short id, e.g. notts-police")
    p.add_argument("name", nargs="?", help="full name")
    p.set_defaults(func=run(cmd_agencies))

    p = sub.add_parser("users", help="hub accounts, passwords and API keys")
    p.add_argument("action", choices=["list", "add", "passwd", "disable", "enable", "unlock", "key", "revoke-key"])
    p.add_argument("username", nargs="?", help="user name (for revoke-key: the key id)")
    p.add_argument("--agency", help="agency id (add)")
    p.add_argument("--role", default="analyst", choices=accounts.ROLES)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--label", help="what the API key is for (key)")
    p.set_defaults(func=run(cmd_users))

    p = sub.add_parser("grants", help="record-level access per agency × dataset")
    p.add_argument("action", choices=["list", "add", "revoke"])
    p.add_argument("agency", nargs="?")
    p.add_argument("dataset", nargs="?")
    p.add_argument("--protocol", help="the data sharing protocol allowing it (add)")
    p.set_defaults(func=run(cmd_grants))

    p = sub.add_parser("anonymous", help="allow or forbid aggregates without signing in")
    p.add_argument("state", nargs="?", choices=["on", "off", "status"], default="status")
    p.set_defaults(func=run(cmd_anonymous))

    p = sub.add_parser("zones", help="named areas of interest (CSP areas, user-defined)")
    p.add_argument("action", choices=["list", "add", "remove"])
    p.add_argument("name", nargs="?", help="zone name (remove: zone id)")
    p.add_argument("--kind", default="user", help="csp or user")
    p.add_argument("--geography", default="district", help="geography of --areas (default district)")
    p.add_argument("--areas", help="comma-separated area codes")
    p.set_defaults(func=run(cmd_zones))

    p = sub.add_parser("audit", help="list, export or verify the audit log")
    p.add_argument("action", choices=["list", "export", "verify"])
    p.add_argument("--since", help="ISO date/time, inclusive")
    p.add_argument("--until", help="ISO date/time, exclusive")
    p.add_argument("--user")
    p.add_argument("--agency")
    p.add_argument("--dataset")
    p.add_argument("--limit", type=int, help="the most recent N rows")
    p.add_argument("--format", choices=["table", "csv", "json"], default=None)
    p.add_argument("--output", help="write to this file (export)")
    p.set_defaults(func=run(cmd_audit))
