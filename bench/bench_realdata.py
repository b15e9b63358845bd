"""Real-data ingest benchmark: police.uk's 24 monthly Nottinghamshire files (258,417 rows) into
recorded crime and ASB, on the real 2021 boundaries, against reading the same files.

Reference, measured in the same run on the same files and machine: pandas ``read_csv`` of the 24
gzipped files (every column as text) and their concatenation — the floor any ingest of them pays.
Goal: both datasets' ingests within 3× that floor. Also reports rows per second.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

import pandas as pd

from bench.timing import best_of
from jin_hub import cli
from jin_hub.demo import realdata


def read_all(files: list[Path]) -> pd.DataFrame:
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)


def quietly(commands: list[list[str]], db: Path) -> None:
    """Run ``jin-hub`` commands on ``db`` without their reports."""
    with contextlib.redirect_stdout(io.StringIO()):
        for command in commands:
            cli.main(["--db", str(db), *command])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench realdata")
    parser.add_argument("--runs", type=int, default=2, help="repeats (best kept)")
    args = parser.parse_args(argv)
    if not realdata.available():
        print(f"skipped: no real data at {realdata.folder()} (set JIN_REALDATA)")
        return
    files = sorted((realdata.folder() / "police_uk").glob("*-street.csv*"))
    rows = len(read_all(files))
    floor = best_of(args.runs, lambda _: read_all(files))
    commands = [c for c in realdata.commands() if c[0] != "load-reference"]
    setup, ingests = commands[:-2], commands[-2:]
    with tempfile.TemporaryDirectory(prefix="jin_bench_real_") as tmp:

        def fresh(i: int) -> Path:
            db = Path(tmp) / f"hub{i}.sqlite"
            quietly(setup, db)
            return db
        took = best_of(args.runs, lambda db: quietly(ingests, db), fresh)
    print(f"police.uk files: {len(files)}, {rows:,} rows")
    print(f"read_csv floor:           {floor:6.2f} s")
    print(f"ingest crime + ASB:       {took:6.2f} s  = {took / floor:.1f}× the floor (goal ≤ 3×), "
          f"{rows / took:,.0f} rows/s (each row read by both datasets)")
