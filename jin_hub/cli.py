"""``jin-hub``: the hub administrator's command line (load boundaries, ingest, serve, status, and
the access commands in ``cli_access``)."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit

from jin_hub import __version__, backends, cli_datasets, cli_reference, migrate
from jin_hub.backends import Locator
from jin_hub.cli_access import add_commands
from jin_hub.store import CACHE_BYTES

DEFAULT_DB = "var/hub.sqlite"


def _db_path(args: argparse.Namespace) -> Locator:
    """The hub database: an SQLite file's path, or a ``postgresql://`` URL."""
    found = args.db or os.environ.get("JIN_HUB_DB") or DEFAULT_DB
    return found if backends.is_postgres(found) else Path(found)


def _secret_path(args: argparse.Namespace) -> Path:
    """The pseudonym secret: never inside the database, by default beside an SQLite one (and in
    the default database's folder for a PostgreSQL one)."""
    beside = Path(DEFAULT_DB if backends.is_postgres(_db_path(args)) else _db_path(args)).parent
    return Path(args.secret_file or os.environ.get("JIN_HUB_SECRET_FILE") or beside / "hub.secret")


def cmd_load_boundaries(args: argparse.Namespace) -> None:
    from jin_hub import db, geography

    conn = db.connect(_db_path(args))
    b = geography.read_boundary_file(Path(args.file), args.geography)
    n = geography.store_boundaries(conn, b, Path(args.file).name)
    print(f"loaded {n} {args.geography} areas from {args.file} into {backends.shown(_db_path(args))}")
    for child, parent, nested, share in conn.execute("SELECT * FROM geography_pairs ORDER BY child, parent"):
        verdict = "nests in" if nested else f"does not nest (worst overlap {share:.0%}) in"
        print(f"  {child} {verdict} {parent}")


def cmd_load_denominators(args: argparse.Namespace) -> None:
    from jin_hub import db, denominators

    stored = denominators.load(db.connect(_db_path(args)), Path(args.file), args.measure, args.geography,
                               args.column, args.code_column)
    print(f"loaded {args.measure} for " + ", ".join(f"{n} {g} areas" for g, n in stored.items()))


def cmd_load_lookup(args: argparse.Namespace) -> None:
    from jin_hub import db, vintages

    links = vintages.load_lookup(db.connect(_db_path(args)), Path(args.file))
    print(f"loaded {sum(links.values())} LSOA 2011 -> 2021 links (" + ", ".join(f"{n} {k}" for k, n in links.items())
          + f") from {args.file}")


def cmd_ingest(args: argparse.Namespace) -> None:
    from jin_hub import db
    from jin_hub.ingest.pipeline import ingest
    from jin_hub.ingest.pseudonyms import load_or_create_secret

    secret, created = load_or_create_secret(_secret_path(args))
    if created:
        print(f"created a new pseudonym secret at {_secret_path(args)}: back it up and keep it out of the "
              "database backups (without it, later releases cannot be linked to earlier ones)")
    conn = db.connect(_db_path(args))
    result = ingest(conn, args.dataset, [Path(f) for f in args.file], secret, threshold=args.threshold,
                    notes=args.notes or "", cutoff=args.cutoff)
    r = result.report
    if not result.created:
        print(f"{' '.join(args.file)} is already published as release {result.release_id}: nothing changed")
        return
    other = r.get("filtered_out")
    others = f", {other['rows']} another dataset's ({other['rule']})" if other else ""
    print(f"release {result.release_id}: {r['input_rows']} rows in from {r['source']}, {r['accepted']} accepted, "
          f"{r['quarantined']} quarantined{others}; months up to {r['cutoff']} "
          f"({'declared' if r['cutoff_declared'] else 'the latest complete month'})")
    for reason, count in r["quarantine_reasons"].items():
        print(f"  quarantined  {count:7d}  {reason}")
    for what, count in r["repaired"].items():
        print(f"  repaired     {count:7d}  {what.replace('_', ' ')}")
    placement = r.get("placement")
    if placement:
        for route, count in placement["routes"].items():
            print(f"  placed       {count:7d}  by {route}")
    if placement and "rows_whose_point_is_in_another_area" in placement:     # (rows with a code and a point)
        print(f"  of the rows placed by area code, {placement['rows_whose_point_is_in_another_area']} have a point in "
              f"another area (per area, counts by point would differ by {placement['mean_area_count_difference']} "
              f"on a median of {placement['median_area_count']:.0f})")
    print(f"  published {r['cells']} cells for {len(r['periods'])} periods ({r['method']}) on "
          f"{', '.join(r['geographies'])}; {r['cells_suppressed']} suppressed")
    for flag in r.get("quality_flags", []):
        print(f"  data quality: {flag['note']}")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from jin_hub import processes
    from jin_hub.api.app import create_app
    from jin_hub.api.deps import bound_url

    _check_workers(args)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ValueError("TLS needs both --tls-cert and --tls-key (PEM files)")
    for pem in (args.tls_cert, args.tls_key):
        if pem and not Path(pem).is_file():
            raise FileNotFoundError(f"TLS file {pem} not found")
    scheme = "https" if args.tls_cert else "http"
    public = args.public_url or os.environ.get("JIN_HUB_PUBLIC_URL") or bound_url(scheme, args.host, args.port)
    parts = urlsplit(public)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"--public-url {public} is not a base URL: give it as https://host[:port][/path]")
    app = create_app(_db_path(args), public, args.cache_mb << 20)  # (checks the database once, with a clear message)
    where = backends.shown(_db_path(args))
    _check_connections(args)
    print(f"JiN hub {__version__} serving {where} on {bound_url(scheme, args.host, args.port)} in "
          f"{args.workers} process{'es' if args.workers > 1 else ''}; links point to {public}", flush=True)
    if scheme == "http" and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("warning: passwords travel in clear over plain HTTP: serve with --tls-cert/--tls-key, or only "
              "behind a TLS reverse proxy (--forwarded-allow-ips)", file=sys.stderr, flush=True)
    options = dict(host=args.host, port=args.port, log_level=args.log_level, ssl_certfile=args.tls_cert,
                   ssl_keyfile=args.tls_key, proxy_headers=bool(args.forwarded_allow_ips),
                   forwarded_allow_ips=args.forwarded_allow_ips)
    if args.workers == 1:
        uvicorn.run(app, **options)
    else:
        processes.run(_workers_app(args, public), args.workers, **options)


def _workers_app(args: argparse.Namespace, public: str) -> str:
    """The import string of the app each of several worker processes builds, with the database
    and public URL handed to them in the environment."""
    from jin_hub.api.app import CACHE_VARIABLE, DB_VARIABLE, PUBLIC_URL_VARIABLE

    os.environ[DB_VARIABLE], os.environ[PUBLIC_URL_VARIABLE] = str(_db_path(args)), public
    os.environ[CACHE_VARIABLE] = str(args.cache_mb)
    return "jin_hub.api.app:app_from_env"


def _check_workers(args: argparse.Namespace) -> None:
    """Any number of processes, on either backend: what they share lives in the database (failed
    sign-ins, the audit chain, the current releases), and writers in every process take turns on
    the hub's write lock (PostgreSQL's advisory lock, SQLite's ``BEGIN IMMEDIATE`` across processes
    in WAL mode, as an ingest beside a serving hub always has)."""
    if args.workers < 1:
        raise ValueError(f"--workers {args.workers}: give the number of hub processes, 1 or more")
    if args.cache_mb < 1:
        raise ValueError(f"--cache-mb {args.cache_mb}: give the memory each hub process may keep, 1 MB or more")


def _check_connections(args: argparse.Namespace) -> None:
    """Warn when the hub's processes may open more connections than the database allows: under
    load the last ones would be refused, and their requests fail."""
    from jin_hub import db
    from jin_hub.api.app import CONNECTIONS

    conn = db.connect(_db_path(args))
    try:
        allowed = conn.connections_allowed()
    finally:
        conn.close()
    wanted = args.workers * CONNECTIONS
    if allowed is not None and wanted > allowed:
        print(f"warning: {args.workers} hub process{'es' if args.workers > 1 else ''} may open up to {wanted} "
              f"database connections, but the server lets this hub open {allowed}: raise max_connections in "
              f"postgresql.conf to at least {wanted + 10}, or serve with fewer --workers", file=sys.stderr, flush=True)


def cmd_status(args: argparse.Namespace) -> None:
    from jin_hub.store import Store

    store = Store(_db_path(args))
    print(json.dumps({"geographies": store.geographies(), "datasets": [
        {k: d[k] for k in ("id", "title", "periods", "geographies", "release")} for d in store.catalogue()]},
        indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jin-hub", description="JiN data hub administration")
    parser.add_argument("--version", action="version", version=f"jin-hub {__version__}")
    parser.add_argument("--db", help=f"hub database (default: $JIN_HUB_DB or {DEFAULT_DB})")
    parser.add_argument("--secret-file", help="pseudonym secret, kept outside the database "
                                              "(default: $JIN_HUB_SECRET_FILE or hub.secret beside the database)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("load-boundaries", help="load a boundary file (GeoPackage/Shapefile/GeoJSON, ONS schema)")
    p.add_argument("file")
    p.add_argument("--geography", default="lsoa",
                   help="2011: oa, lsoa, msoa, ward; 2021: lsoa21, msoa21, ward21; district (default lsoa)")
    p.set_defaults(func=cmd_load_boundaries)

    p = sub.add_parser("load-denominators", help="load residents or pupils per area (CSV) for rates")
    p.add_argument("file")
    p.add_argument("--measure", default="population", help="population (default) or pupils")
    p.add_argument("--geography", default="lsoa", help="geography of the file's area codes (default lsoa)")
    p.add_argument("--column", help="value column (default: the first column that is not the area code)")
    p.add_argument("--code-column", help="area code column (default: area_code, or the first …CD or …_code column)")
    p.set_defaults(func=cmd_load_denominators)

    p = sub.add_parser("load-lookup", help="load the ONS LSOA 2011 -> 2021 lookup (CSV), to convert LSOA codes")
    p.add_argument("file")
    p.set_defaults(func=cmd_load_lookup)

    p = sub.add_parser("ingest", help="cleanse, depersonalise, aggregate and publish a partner extract")
    p.add_argument("dataset", help="dataset id, e.g. police_crime")
    p.add_argument("file", nargs="+", help="the extract; or several files, or folders of them (police.uk's "
                                          "download), ingested together as one release")
    p.add_argument("--threshold", type=int, default=None,
                   help="override the release policy's threshold (suppression: withhold counts 1 to THRESHOLD-1)")
    p.add_argument("--notes", help="release notes published in the catalogue")
    p.add_argument("--cutoff", metavar="YYYY-MM",
                   help="the last month the extract fully covers; rows dated later are quarantined "
                        "(default: the extract's latest complete month)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("serve", help="serve the hub API over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--log-level", default="warning")
    p.add_argument("--workers", type=int, default=1, help="hub processes serving the port (default 1)")
    p.add_argument("--cache-mb", type=int, default=CACHE_BYTES >> 20,
                   help=f"memory each process keeps for value tables and encoded replies (default {CACHE_BYTES >> 20})")
    p.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    p.add_argument("--tls-key", help="PEM private key of --tls-cert")
    p.add_argument("--public-url", help="where clients reach the hub (e.g. https://jin.example.org), used in the "
                                        "links replies carry (default: $JIN_HUB_PUBLIC_URL, else the bound address)")
    p.add_argument("--forwarded-allow-ips", help="behind a TLS reverse proxy: its address(es), to trust "
                                                 "X-Forwarded-Proto/For (the audit log then records real clients)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", help="show loaded geographies and published datasets")
    p.set_defaults(func=cmd_status)

    def with_db(func):
        def run(args: argparse.Namespace) -> None:
            from jin_hub import db

            func(args, db.connect(_db_path(args)))
        return run

    add_commands(sub, with_db)
    cli_datasets.add_commands(sub, with_db)
    cli_reference.add_command(sub, _db_path)
    migrate.add_command(sub, _db_path)
    return parser


#: What SQLite and the OS say when a write does not fit: the disk is full, or a quota or file-size
#: limit is reached (SQLite reports a refused write as a disk I/O error).
DISK_FULL = ("database or disk is full", "disk i/o error")


def out_of_space(exc: BaseException) -> bool:
    """Whether ``exc`` is a write that did not fit on the disk."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and any(s in str(exc).lower() for s in DISK_FULL)


def _server_gone(exc: BaseException) -> bool:
    """Whether ``exc`` is a PostgreSQL server that went away or stopped answering."""
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(exc, psycopg.OperationalError)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:                 # `jin-hub status | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())    # no second error at exit
        sys.exit(128 + 13)                  # as a command stopped by SIGPIPE, quietly
    except (LookupError, OSError, ValueError, RuntimeError, *backends.errors()) as exc:
        if out_of_space(exc):
            msg = (f"could not write to {backends.shown(_db_path(args))}: {exc}. Nothing new was published "
                   "(the hub still serves what it served before); free space on that disk, or raise its quota, "
                   "and run the command again")
        elif _server_gone(exc):
            msg = (f"lost the connection to {backends.shown(_db_path(args))} ({str(exc).strip()}). Nothing half-done "
                   "was published: check the PostgreSQL server is running and reachable, and run the command again")
        elif isinstance(exc, backends.errors()):
            raise
        else:
            msg = str(exc) if isinstance(exc, OSError) or not exc.args else exc.args[0]
        print(f"jin-hub {args.command}: error: {msg}", file=sys.stderr)
        sys.exit(2)
