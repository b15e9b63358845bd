"""`make privacy`: the attacker of ``tests/hub/attacker.py`` against the full demo, every district.

Builds the year-long demo hub twice from the same extracts, once as the hub publishes (cell-key
noise with protection intervals) and once with exact counts and suppression (the method before),
serves each on loopback, and attacks every district of every dataset with an aggregates-only
account: interval propagation over every cell, and exact LP bounds (HiGHS) for the narrowest
``--lp`` cells of each district. Prints what it recovers; exits 1 if it recovers anything from
the hub's own method.

``--real`` attacks the real police.uk crime and ASB as the hub ingests them (its shipped
definitions, the 2021 areas, Census 2021): every district, interval propagation and LP bounds.
``--police-uk DIR`` attacks real crime on the demo areas instead: police.uk's street-level files
(anti-social behaviour left out) become a police extract placed by coordinates, down to OAs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import astuple, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICTS = ("E06000018", "E07000170", "E07000171", "E07000172", "E07000173", "E07000174", "E07000175",
             "E07000176")
DATASETS = ("police_crime", "fire_incidents", "school_attendance", "asb_incidents")


def attack_hub(path: Path, datasets: tuple[str, ...], name: str, lp: int, levels: tuple[str, ...]) -> bool:
    """Serve the hub at ``path``, attack every district of ``datasets``, print the findings;
    whether anything was recovered."""
    import requests

    from jin_hub.local_server import start_hub
    from tests.conftest import COUNCIL
    from tests.hub import attacker
    from tests.hub.test_interval_attack import truth

    recovered = False
    hub = start_hub(path)
    try:
        session = requests.Session()
        session.auth = COUNCIL
        nesting = attacker.nesting(session, hub.url, list(levels))
        for dataset in datasets:
            started = time.perf_counter()
            tables = attacker.fetch(hub.url, COUNCIL, dataset, nesting)
            answers = truth(path, dataset)
            total = [0] * len(fields(attacker.Findings))
            for district in DISTRICTS:
                found = attacker.attack([tables], district, answers, lp_cells=lp)
                total = [a + b for a, b in zip(total, astuple(found))]
            found = attacker.Findings(*total)
            print(f"{name:40} {dataset:18} {found}  ({time.perf_counter() - started:.0f} s)", flush=True)
            recovered |= bool(found.exact or found.narrow_withheld or found.narrow_hidden or found.lp_narrow)
    finally:
        hub.stop()
    return recovered


def main() -> int:
    from jin_hub.demo.synth import generate
    from tests.conftest import build_hub_db_apart
    from tests.hub import attacker
    from tests.hub.conftest import build_police_uk_hub
    from tests.hub.police_uk import police_uk_extract

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo size (1 = a year, 90,000 crimes)")
    parser.add_argument("--lp", type=int, default=10, help="cells per district given exact LP bounds")
    parser.add_argument("--work", type=Path, default=None, help="folder for the hubs (default: a temporary one)")
    parser.add_argument("--police-uk", type=Path, default=None,
                        help="police.uk street files to attack instead, as a partner extract on the demo areas")
    parser.add_argument("--real", action="store_true",
                        help="attack the real police.uk crime and ASB as the hub ingests them, on the 2021 areas")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="jin-privacy-"))
    if args.real:
        work.mkdir(parents=True, exist_ok=True)
        if not (work / "hub.sqlite").exists():
            build_police_uk_hub(work)
        return int(attack_hub(work / "hub.sqlite", ("police_uk_crime", "police_uk_asb"), "hub, real police.uk",
                              args.lp, ("lsoa21", "msoa21", "district")))
    extracts = generate(work / "extracts", seed=11, scale=args.scale)
    datasets = DATASETS
    if args.police_uk:
        extracts["police_crime"] = police_uk_extract(args.police_uk, work / "police_uk.csv")
        datasets = ("police_crime",)
    failed = False
    for method in ("suppression", None):
        name = method or "hub (cell key + protection intervals)"
        path = work / f"{method or 'hub'}.sqlite"
        if not path.exists():
            build_hub_db_apart(path, extracts, list(datasets), method)
        failed |= attack_hub(path, datasets, name, 0 if method else args.lp, attacker.CHAIN) and method is None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
