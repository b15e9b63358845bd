"""Real crime for the privacy tests: police.uk's street-level files as a JiN police extract.

Until the hub ingests police.uk's own layout (a dataset definition of its own), the attacker's
real-data runs feed it this: the same crimes, with their IDs, months, types and points.
"""

from __future__ import annotations

from pathlib import Path

from jin_hub.demo import realdata

#: police.uk's Nottinghamshire files, beside the repository as the project's shared data.
REAL = realdata.folder() / "police_uk"


def police_uk_extract(folder: Path, out: Path) -> Path:
    """police.uk's street-level crime as a JiN police extract: its crime ID (or, where it has none,
    the file and row), month, crime type and point in British National Grid."""
    import pandas as pd
    from pyproj import Transformer

    frames = []
    for file in sorted(folder.glob("*-street.csv*")):
        frame = pd.read_csv(file, dtype=str)
        frame = frame[frame["Crime type"] != "Anti-social behaviour"]
        ids = frame["Crime ID"].fillna(pd.Series([f"{file.name}-{i}" for i in frame.index], index=frame.index))
        frames.append(pd.DataFrame({"crime_ref": ids, "reported_at": frame["Month"] + "-01",
                                    "category": frame["Crime type"], "lon": frame["Longitude"].astype(float),
                                    "lat": frame["Latitude"].astype(float)}))
    crimes = pd.concat(frames, ignore_index=True)
    east, north = Transformer.from_crs(4326, 27700, always_xy=True).transform(crimes["lon"], crimes["lat"])
    crimes = crimes.drop(columns=["lon", "lat"]).assign(easting=east.round(), northing=north.round())
    crimes.to_csv(out, index=False)
    return out
