"""Run every benchmark module (``python -m bench [name ...] [options]``) and print their reports;
options (from the first that starts with ``-``, e.g. ``--runs 3``) go to each benchmark run.

Each ``bench/bench_<area>.py`` exposes ``main(argv: list[str]) -> None`` that prints ratios
against a reference measured in the same run (never absolute pass/fail timings).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    args = sys.argv[1:]
    split = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    wanted, options = set(args[:split]), args[split:]
    here = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda i: i.name):
        if not info.name.startswith("bench_"):
            continue
        if wanted and info.name.removeprefix("bench_") not in wanted:
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if not wanted and getattr(module, "SLOW", False):
            print(f"\n=== {info.name}: left out (slow); run it with python -m bench {info.name[6:]} ===")
            continue
        print(f"\n=== {info.name} ===", flush=True)
        module.main(options)


if __name__ == "__main__":
    main()
