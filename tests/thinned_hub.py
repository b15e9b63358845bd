"""A test hub whose police release has a gap: most of June 2024's crimes left out, as a partner
extract missing part of a month looks (police.uk's September 2024 anti-social behaviour, say).
The data-quality flags must name that month, and only that month."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: The month thinned, and the share of its rows kept.
THIN_MONTH, KEPT = "2024-06", 0.25


def thinned_extract(conn, src: Path, dst: Path) -> Path:
    """``src`` (the police extract ``conn``'s current release was made from) with the date of all
    but ``KEPT`` of the one-line rows it accepted in ``THIN_MONTH`` blanked, so they are quarantined."""
    from tests.hub.extract_edits import accepted_lines, edited, row_starts

    starts = set(row_starts(src))
    lines = sorted(line for line, month in accepted_lines(conn, "police_crime").items()
                   if month == THIN_MONTH and line + 1 in starts)
    gone = [line for k, line in enumerate(lines) if k % 4 != 0]
    return edited(src, dst, {line: {"reported_at": ""} for line in gone})


def build_thinned_hub(out: Path, hub: str, extract: Path) -> str:
    """The copy ``hub`` of the test hub with its police release ``extract`` thinned (files in ``out``)."""
    from jin_hub import db
    from jin_hub.ingest.pipeline import ingest
    from tests.conftest import TEST_SECRET

    conn = db.connect(hub)
    try:
        ingest(conn, "police_crime", thinned_extract(conn, extract, out / "police_thinned.csv"), TEST_SECRET)
    finally:
        conn.close()
    return hub


def build_thinned_hub_apart(out: Path, hub, extract: Path):
    """``build_thinned_hub`` in its own process (the hub's GDAL must not share one with QGIS's)."""
    from tests.conftest import ROOT

    code = ("import sys; from pathlib import Path; from tests.thinned_hub import build_thinned_hub; "
            "build_thinned_hub(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, str(out), str(hub), str(extract)], check=True, cwd=ROOT)
    return hub
