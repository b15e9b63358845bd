"""``jin-hub datasets``: register, list, show and check dataset definitions (TOML files)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from jin_hub.backends import Connection
from jin_hub.cli_access import _table
from jin_hub.ingest import definitions, registry
from jin_hub.ingest.schemas import DatasetSchema


def describe(schema: DatasetSchema) -> dict:
    """A definition as the admin reads it back: every setting, derivations by name."""
    out = asdict(schema)
    for key in ("categorise", "period_of", "period_label"):
        out[key] = getattr(schema, key).__name__ if getattr(schema, key) else None
    out["location"] = schema.location
    return out


def cmd_datasets(args: argparse.Namespace, conn: Connection) -> None:
    if args.action == "check":
        schema = definitions.read(Path(_file(args)))
        print(f"{args.target}: dataset '{schema.id}' ({schema.title}) is a valid definition: "
              f"{len(schema.categories)} categories, placed {schema.location}, {schema.policy.method} "
              f"from threshold {schema.policy.threshold}")
    elif args.action == "add":
        schema, replaced = registry.add(conn, Path(_file(args)), replace=args.replace)
        print(f"{'replaced' if replaced else 'registered'} dataset '{schema.id}' from {args.target}; "
              f"ingest its extracts with: jin-hub ingest {schema.id} FILE")
    elif args.action == "remove":
        registry.remove(conn, _file(args))
        print(f"removed the registered definition of '{args.target}'; published releases stay")
    elif args.action == "show":
        print(json.dumps(describe(registry.get_schema(_file(args), conn)), indent=2, ensure_ascii=False))
    else:
        mine = registry.registered(conn)
        _table([{"id": s.id, "title": s.title, "from": "registered" if s.id in mine else "shipped",
                 "file": s.source, "placed": s.location} for s in registry.schemas(conn).values()],
               ["id", "title", "from", "file", "placed"])


def _file(args: argparse.Namespace) -> str:
    if not args.target:
        what = "dataset id" if args.action in ("show", "remove") else "FILE"
        raise ValueError(f"datasets {args.action} needs a {what}")
    return args.target


def add_commands(sub, run: Callable) -> None:
    """Register ``datasets``; ``run(func)`` wraps it with a database connection."""
    p = sub.add_parser("datasets", help="dataset definitions: list, show ID, check FILE, add FILE, remove ID")
    p.add_argument("action", choices=["list", "show", "check", "add", "remove"])
    p.add_argument("target", nargs="?", help="definition file (check, add) or dataset id (show, remove)")
    p.add_argument("--replace", action="store_true", help="add: replace a registered definition of the same id")
    p.set_defaults(func=run(cmd_datasets))
