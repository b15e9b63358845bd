"""The demo's boundary files (real LSOAs, MSOAs and districts; real OA codes with approximate shapes)."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "resources/boundaries"

#: geography -> file, in loading order (the finest, OA, last: it is what rows are placed in).
FILES: dict[str, Path] = {
    "lsoa": FOLDER / "nottinghamshire_lsoa11.geojson",
    "msoa": FOLDER / "nottinghamshire_msoa11.geojson",
    "district": FOLDER / "nottinghamshire_lad11.geojson",
    "oa": FOLDER / "nottinghamshire_oa_synthetic.geojson",
}
