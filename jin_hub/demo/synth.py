"""Seeded synthetic partner extracts, as a partner's system would export them — personal fields, dirt and all.

``police_crime.csv`` columns (see docs/ARCHITECTURE.md): crime_ref, reported_at, category, easting,
northing, location_desc, victim_name, victim_dob, victim_address, offender_name, outcome.

Dirty rows, each kind recorded with its 1-based source line numbers in ``manifest.json``:
exact duplicates, category variants/misspellings, mixed date formats, missing coordinates,
out-of-county coordinates, WGS84 lat/lon placed in the easting/northing columns, blank rows.
Canary strings (names, addresses, DOBs) are planted and listed so tests can prove none leaks.

Run: ``python -m jin_hub.demo.synth --out DIR [--seed 7] [--scale 1.0]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from jin_hub.demo import surface

ALL_DATASETS = ("police_crime",)

#: police.uk crime categories (anti-social behaviour is its own dataset), with the share of all
#: crime and how strongly each follows deprivation (exponent) — synthetic but plausible.
CRIME_CATEGORIES: dict[str, tuple[float, float]] = {
    "Violence and sexual offences": (0.35, 1.3),
    "Public order": (0.10, 1.2),
    "Criminal damage and arson": (0.10, 1.8),
    "Shoplifting": (0.09, 0.6),
    "Other theft": (0.08, 0.8),
    "Vehicle crime": (0.06, 1.0),
    "Burglary": (0.06, 1.1),
    "Other crime": (0.03, 1.0),
    "Drugs": (0.03, 1.6),
    "Theft from the person": (0.015, 0.5),
    "Bicycle theft": (0.015, 0.7),
    "Robbery": (0.012, 1.4),
    "Possession of weapons": (0.012, 1.5),
}
#: Variants a partner system really emits for the same category.
CATEGORY_VARIANTS = {
    "Criminal damage and arson": ["Criminal Damage & Arson", "criminal-damage-arson", "Criminal damge and arson"],
    "Violence and sexual offences": ["VIOLENCE AND SEXUAL OFFENCES", "violent-crime", "Violence & sexual offences"],
    "Vehicle crime": ["vehicle-crime", "Vehicle Crime "],
    "Burglary": ["burglary", "Burglery"],
    "Public order": ["public-order", "Public Order"],
}
CRIMES_PER_YEAR = 90_000
SEASON = np.array([0.93, 0.86, 0.97, 0.98, 1.05, 1.06, 1.10, 1.07, 1.01, 1.02, 0.97, 0.98])

FIRST = ["Amelia", "Oliver", "Zoë", "Mohammed", "Siobhán", "Jack", "Ava", "Kacper", "Priya", "Noah",
         "Chloé", "Aleksandra", "Dáithí", "Grace", "Oluwaseun", "Isla", "Harry", "Renée", "Jamal", "Sophie"]
LAST = ["Smith", "O'Connor", "Khan", "Nowak", "Brown", "Patel", "Wilson", "Müller", "Taylor", "Okafor",
        "Jones", "Ní Bhriain", "Walker", "Kowalski", "Clarke", "Begum", "Wright", "D'Souza", "Hall", "Green"]
STREETS = ["Mansfield Road", "Alfreton Road", "Carlton Road", "Derby Road", "Hucknall Lane", "Station Street",
           "Church Lane", "Victoria Street", "Sherwood Rise", "Queen's Walk", "Castle Boulevard", "Forest Road"]
LOCATIONS = ["On or near Supermarket", "On or near Parking Area", "On or near Shopping Area",
             "On or near Petrol Station", "On or near Nightclub", "On or near Park/Open Space",
             "On or near Sports/Recreation Area", "On or near Further/Higher Educational Building"]
OUTCOMES = ["Under investigation", "Investigation complete; no suspect identified", "Offender given a caution",
            "Unable to prosecute suspect", "Awaiting court outcome", "Local resolution"]

#: Fraction of rows per dirty kind (realistic: a few per cent in all).
DIRT = {"duplicate": 0.004, "category_variant": 0.006, "missing_coords": 0.003,
        "out_of_county": 0.002, "latlon_coords": 0.002, "blank_row": 0.001}
#: Fractions of reported_at in each non-ISO format.
DATE_FORMATS = {"%d/%m/%Y %H:%M": 0.08, "%-d %b %Y": 0.03, "%Y-%m-%d": 0.04}


def _people(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fake names, dates of birth and street addresses (non-ASCII and apostrophes included)."""
    names = np.char.add(np.char.add(rng.choice(FIRST, n).astype(str), " "), rng.choice(LAST, n).astype(str))
    dob = pd.to_datetime("1940-01-01") + pd.to_timedelta(rng.integers(0, 365 * 65, n), unit="D")
    house = rng.integers(1, 240, n).astype(str)
    addr = np.char.add(np.char.add(house, " "), rng.choice(STREETS, n).astype(str))
    return names, dob.strftime("%Y-%m-%d").to_numpy(), np.char.add(addr, ", Nottinghamshire")


def _crime_counts(rng: np.random.Generator, areas: surface.Areas, scale: float) -> tuple[np.ndarray, list[str]]:
    """Expected-then-Poisson crime counts per (area, category): shape (n_areas, n_categories)."""
    dep = surface.deprivation(areas, rng)
    pop = surface.population(areas, rng)
    x, y, spread = surface.CITY_CENTRE
    night = 1.0 + 6.0 * surface.gaussian(areas.cx, areas.cy, x, y, spread)
    noise = rng.lognormal(0.0, 0.35, len(areas))
    cats = list(CRIME_CATEGORIES)
    lam = np.empty((len(areas), len(cats)))
    for j, cat in enumerate(cats):
        share, power = CRIME_CATEGORIES[cat]
        weight = pop * (0.15 + dep) ** power * noise
        if cat in ("Shoplifting", "Theft from the person", "Violence and sexual offences", "Public order"):
            weight = weight * night
        lam[:, j] = weight / weight.sum() * share
    lam *= CRIMES_PER_YEAR * scale / lam.sum()
    return rng.poisson(lam), cats


def police_crime(rng: np.random.Generator, areas: surface.Areas, scale: float, year: int) -> tuple[pd.DataFrame, dict]:
    """Clean police crime rows for one year, plus the area each row truly lies in."""
    counts, cats = _crime_counts(rng, areas, scale)
    per_area = counts.sum(axis=1)
    x, y, area_idx = surface.sample_points(areas, per_area, rng)
    # Category of each point: repeat category labels per area in the order sample_points emits.
    cat_idx = np.concatenate([np.repeat(np.arange(len(cats)), counts[i]) for i in np.flatnonzero(per_area)])
    n = len(x)
    month = rng.choice(12, n, p=SEASON / SEASON.sum())
    day = rng.integers(1, 29, n)
    minute = rng.integers(0, 24 * 60, n)
    when = pd.to_datetime({"year": np.full(n, year), "month": month + 1, "day": day}) + pd.to_timedelta(minute, "m")
    order = np.argsort(when.to_numpy(), kind="stable")
    names, dob, addr = _people(rng, n)
    offenders, _, _ = _people(rng, n)
    frame = pd.DataFrame({
        "crime_ref": [f"NP/{year % 100:02d}/{k:07d}" for k in rng.permutation(9_000_000)[:n] + 1_000_000],
        "reported_at": when.dt.strftime("%Y-%m-%dT%H:%M").to_numpy()[order],
        "category": np.array(cats)[cat_idx][order],
        "easting": np.round(x[order], 0).astype(int),
        "northing": np.round(y[order], 0).astype(int),
        "location_desc": rng.choice(LOCATIONS, n),
        "victim_name": names,
        "victim_dob": dob,
        "victim_address": addr,
        "offender_name": offenders,
        "outcome": rng.choice(OUTCOMES, n),
    })
    truth = {"area_code": areas.codes[area_idx][order]}
    return frame, truth


def _pick(rng: np.random.Generator, pool: np.ndarray, frac: float) -> np.ndarray:
    """Choose round(frac * len) distinct row positions from ``pool`` (at least one)."""
    k = min(len(pool), max(1, round(frac * len(pool))))
    return np.sort(rng.choice(pool, k, replace=False))


def dirty_police(rng: np.random.Generator, clean: pd.DataFrame) -> tuple[list[str], dict[str, list[int]]]:
    """Spoil a realistic fraction of rows; return CSV lines and the dirty kinds by 1-based line number."""
    df = clean.copy().astype(object)
    free = np.arange(len(df))
    kinds: dict[str, np.ndarray] = {}
    for kind in ("category_variant", "missing_coords", "out_of_county", "latlon_coords"):
        kinds[kind] = _pick(rng, free, DIRT[kind])
        free = np.setdiff1d(free, kinds[kind])
    variant_rows = [i for i in kinds["category_variant"] if df.at[i, "category"] in CATEGORY_VARIANTS]
    kinds["category_variant"] = np.array(variant_rows, dtype=int)
    for i in variant_rows:
        df.at[i, "category"] = rng.choice(CATEGORY_VARIANTS[df.at[i, "category"]])
    df.loc[kinds["missing_coords"], ["easting", "northing"]] = ""
    far = kinds["out_of_county"]
    df.loc[far, "easting"] = rng.integers(380000, 420000, len(far))     # Cheshire / Derbyshire Peak
    df.loc[far, "northing"] = rng.integers(360000, 400000, len(far))
    ll = kinds["latlon_coords"]
    to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(clean.loc[ll, "easting"].to_numpy(float), clean.loc[ll, "northing"].to_numpy(float))
    df.loc[ll, "easting"] = np.round(lat, 6)       # partner swapped in lat/lon: latitude first
    df.loc[ll, "northing"] = np.round(lon, 6)
    when = pd.to_datetime(clean["reported_at"])
    for fmt, frac in DATE_FORMATS.items():
        rows = _pick(rng, free, frac)
        df.loc[rows, "reported_at"] = when.iloc[rows].dt.strftime(fmt.replace("%-d", "%d")).to_numpy()
        if fmt.startswith("%-d"):
            df.loc[rows, "reported_at"] = [s.lstrip("0") for s in df.loc[rows, "reported_at"]]
    body = df.to_csv(index=False, lineterminator="\n").splitlines()
    header, rows = body[0], body[1:]
    dup_src = _pick(rng, np.arange(len(rows)), DIRT["duplicate"])
    blank_at = set(_pick(rng, np.arange(len(rows)), DIRT["blank_row"]).tolist())
    dup_after = {int(i): rows[i] for i in dup_src}
    lines = [header]
    line_of_row: dict[int, int] = {}
    extra: dict[str, list[int]] = {"duplicate": [], "blank_row": []}
    for i, row in enumerate(rows):
        lines.append(row)
        line_of_row[i] = len(lines)
        if i in dup_after:
            lines.append(row)
            extra["duplicate"].append(len(lines))
        if i in blank_at:
            lines.append("")
            extra["blank_row"].append(len(lines))
    by_line = {k: sorted(line_of_row[int(i)] for i in v) for k, v in kinds.items()}
    by_line.update(extra)
    return lines, by_line


def canaries(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Personal values planted in the extract that must never appear anywhere the hub writes."""
    return {
        "names": sorted(set(frame["victim_name"].head(50)) | set(frame["offender_name"].head(50))),
        "dates_of_birth": sorted(set(frame["victim_dob"].head(50))),
        "addresses": sorted(set(frame["victim_address"].head(50))),
        "references": sorted(set(frame["crime_ref"].head(50))),
    }


def generate(out_dir: Path, seed: int = 7, scale: float = 1.0,
             datasets: tuple[str, ...] = ALL_DATASETS, year: int = 2024) -> dict[str, Path]:
    """Write the synthetic extracts and ``manifest.json`` into ``out_dir``; return their paths."""
    unknown = set(datasets) - set(ALL_DATASETS)
    if unknown:
        raise ValueError(f"unknown dataset(s) {sorted(unknown)}; choose from {list(ALL_DATASETS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    areas = surface.load_areas()
    manifest: dict = {"seed": seed, "scale": scale, "year": year, "synthetic": True, "files": {}}
    paths: dict[str, Path] = {}
    if "police_crime" in datasets:
        clean, _ = police_crime(rng, areas, scale, year)
        lines, dirt = dirty_police(rng, clean)
        path = out_dir / "police_crime.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        manifest["files"]["police_crime"] = {
            "file": path.name, "data_lines": len(lines) - 1, "encoding": "utf-8",
            "dirty_lines": dirt, "canaries": canaries(clean),
        }
        paths["police_crime"] = path
    manifest_path = out_dir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    paths["manifest"] = manifest_path
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write seeded synthetic JiN partner extracts.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = a realistic year for the county")
    parser.add_argument("--datasets", default=",".join(ALL_DATASETS))
    args = parser.parse_args(argv)
    paths = generate(args.out, args.seed, args.scale, tuple(args.datasets.split(",")))
    for name, path in paths.items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
