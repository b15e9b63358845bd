"""``jin-hub load-reference``: publish a reference layer (e.g. the Indices of Deprivation) beside the
JiN datasets. Errors (exit 2, nothing changed) come from ``jin_hub.reference``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from jin_hub import reference
from jin_hub.backends import Locator


def cmd_load_reference(args: argparse.Namespace, db_path: Locator) -> None:
    from jin_hub import db

    entry = reference.load(db.connect(db_path), Path(args.file), args.id, args.geography, args.title,
                           reference.parse_columns(args.columns), args.code_column, args.description or "",
                           args.publisher, args.licence, args.attribution)
    print(f"loaded reference dataset '{entry['id']}' ({entry['title']}): {len(entry['indicators'])} indicator(s) "
          f"for {entry['release']['accepted_rows']} {args.geography} areas from {args.file}; no disclosure control "
          "(published statistics)")
    for ind in entry["indicators"]:
        print(f"  {ind['id']:<40} {ind['label']} — {ind['direction']}")


def add_command(sub: argparse._SubParsersAction, db_path: Callable[[argparse.Namespace], Locator]) -> None:
    p = sub.add_parser("load-reference", help="publish reference statistics per area (e.g. IMD deciles and ranks), "
                                              "served without disclosure control")
    p.add_argument("file", help="CSV: one area code column (area_code, lsoa21_code, LSOA11CD ...) and numeric columns")
    p.add_argument("--id", required=True, help="dataset id, e.g. imd2025")
    p.add_argument("--geography", required=True, help="a loaded geography whose codes the file holds, e.g. lsoa")
    p.add_argument("--title", required=True, help="readable title, e.g. 'English Indices of Deprivation 2025'")
    p.add_argument("--columns", nargs="+", metavar="COLUMN[=LABEL]",
                   help="indicator columns to publish, optionally with a label (default: every column but codes "
                        "and names)")
    p.add_argument("--code-column", help="the area code column, where the file has none or several named like one")
    p.add_argument("--description", help="catalogue description (default: made from title, file and columns)")
    p.add_argument("--publisher", default=reference.PUBLISHER, help=f"default: {reference.PUBLISHER}")
    p.add_argument("--licence", default=reference.LICENCE, help=f"default: {reference.LICENCE}")
    p.add_argument("--attribution", default=reference.ATTRIBUTION, help="attribution statement (default: OGL v3.0, "
                                                                        "the publisher)")
    p.set_defaults(func=lambda args: cmd_load_reference(args, db_path(args)))
