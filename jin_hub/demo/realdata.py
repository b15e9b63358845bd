"""The real open data for Nottinghamshire (``shared/realdata`` beside the repository, or
``$JIN_REALDATA``) and the ``jin-hub`` commands that publish it, as an administrator would type
them: 2021 boundaries, the LSOA 2011 ↔ 2021 lookup, Census 2021 residents, the police.uk
download feeding recorded crime and anti-social behaviour, and the Indices of Deprivation."""

from __future__ import annotations

import os
from pathlib import Path

BESIDE = Path(__file__).resolve().parents[3] / "shared" / "realdata"
#: What police.uk and ONS ask users to print with their data (Open Government Licence v3.0).
ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0. "
               "Source: data.police.uk; Office for National Statistics. Contains OS data © Crown copyright "
               "and database right.")


def folder() -> Path:
    """Where the real data is: ``$JIN_REALDATA``, else ``shared/realdata`` beside the repository."""
    return Path(os.environ.get("JIN_REALDATA") or BESIDE)


def available() -> bool:
    return (folder() / "police_uk").is_dir()


def commands(real: Path | None = None) -> list[list[str]]:
    """The ``jin-hub`` arguments (after ``--db``) that publish the real data, in order."""
    real = real or folder()
    boundaries, lookups = real / "boundaries", real / "lookups"
    return [
        ["load-boundaries", str(boundaries / "lsoa21_nottinghamshire.geojson"), "--geography", "lsoa21"],
        ["load-boundaries", str(boundaries / "msoa21_nottinghamshire.geojson"), "--geography", "msoa21"],
        ["load-boundaries", str(boundaries / "ltla21_nottinghamshire.geojson"), "--geography", "district"],
        ["load-lookup", str(lookups / "lsoa11_lsoa21_ltla22_nottinghamshire.csv")],
        ["load-denominators", str(lookups / "lsoa11_lsoa21_population_weighted_nottinghamshire.csv"),
         "--measure", "census2021", "--geography", "lsoa21", "--code-column", "LSOA21CD", "--column", "LSOA21Denom"],
        ["ingest", "police_uk_crime", str(real / "police_uk"), "--notes", "data.police.uk street-level crime"],
        ["ingest", "police_uk_asb", str(real / "police_uk"), "--notes", "data.police.uk street-level crime"],
        ["load-reference", str(real / "reference" / "imd2025_lsoa21_nottinghamshire.csv"), "--id", "imd2025",
         "--geography", "lsoa21", "--title", "English Indices of Deprivation 2025"],
    ]


def reference_2011(real: Path | None = None) -> list[list[str]]:
    """IMD 2019, for a hub that also holds the 2011 LSOAs (the demo's partner data)."""
    real = real or folder()
    return [["load-reference", str(real / "reference" / "imd2019_lsoa11_nottinghamshire.csv"), "--id", "imd2019",
             "--geography", "lsoa", "--title", "English Indices of Deprivation 2019"]]
