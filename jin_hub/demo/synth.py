"""Seeded synthetic partner extracts, as partners' systems would export them: personal fields, dirt and all.

Four files, one per founding dataset (columns in docs/ARCHITECTURE.md):
``police_crime.csv`` (UTF-8), ``asb_incidents.csv`` (Windows-1252, as the council's system
writes it), ``fire_incidents.csv`` (with an extra column the hub ignores) and
``school_attendance.csv`` (one row per pupil per term). ``manifest.json`` lists, per file, the
dirty kinds by 1-based source line and the canaries: personal values planted in the input that must
never appear anywhere the hub writes. All data is invented.

Run: ``python -m jin_hub.demo.synth --out DIR [--seed 7] [--scale 1.0] [--datasets a,b]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from jin_hub.demo import partners, surface
from jin_hub.demo.dirt import DirtSpec, spoil

ALL_DATASETS = tuple(partners.GENERATORS)


def _impossible_sessions(df: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    """A keying error: more sessions missed than were possible."""
    df.loc[rows, "sessions_unauthorised_absence"] = df.loc[rows, "sessions_possible"].astype(int) + rng.integers(
        1, 40, len(rows))


def _unreadable_sessions(df: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    df.loc[rows, "sessions_possible"] = rng.choice(["n/a", "?", "-"], len(rows))


def _unknown_category(df: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    df.loc[rows, "category"] = rng.choice(["Miscellaneous", "Dog fouling", "TBC"], len(rows))


def _missing_group(df: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    df.loc[rows, "incident_group"] = ""


#: How each dataset's extract is spoiled, and the encoding its partner's system writes.
SPECS: dict[str, tuple[DirtSpec, str]] = {
    "police_crime": (DirtSpec(
        x="easting", y="northing", category_column="category", date_column="reported_at",
        date_formats={"%d/%m/%Y %H:%M": 0.08, "%-d %b %Y": 0.03, "%Y-%m-%d": 0.04},
        variants={
            "Criminal damage and arson": ["Criminal Damage & Arson", "criminal-damage-arson",
                                          "Criminal damge and arson"],
            "Violence and sexual offences": ["VIOLENCE AND SEXUAL OFFENCES", "violent-crime",
                                             "Violence & sexual offences"],
            "Vehicle crime": ["vehicle-crime", "Vehicle Crime "],
            "Burglary": ["burglary", "Burglery"],
            "Public order": ["public-order", "Public Order"],
        },
        custom={"unknown_category": (0.0005, _unknown_category)}), "utf-8"),
    "asb_incidents": (DirtSpec(
        x="easting", y="northing", category_column="asb_type", date_column="reported",
        date_formats={"%Y-%m-%d %H:%M": 0.05, "%d/%m/%Y": 0.05},
        variants={
            "Fly-tipping": ["Flytipping", "fly tipping", "FLY-TIPPING", "Fly tiping"],
            "Nuisance": ["ASB - Nuisance", "nuisance", "Nusiance"],
            "Personal": ["ASB - Personal", "personal"],
            "Environmental": ["ASB - Environmental", "Enviromental"],
            "Noise": ["Noise nuisance", "noise"],
        }), "cp1252"),
    "fire_incidents": (DirtSpec(
        x="easting", y="northing", category_column="incident_group", date_column="call_datetime",
        date_formats={"%d/%m/%Y %H:%M": 0.1},
        variants={"Secondary fire": ["Secondary Fire", "SECONDARY FIRE", "Secondary fires"],
                  "Primary fire": ["Primary Fire", "primary fire"],
                  "False alarm": ["False Alarm", "False alarm - AFA", "False alarms"]},
        custom={"missing_incident_group": (0.002, _missing_group)}), "utf-8"),
    "school_attendance": (DirtSpec(
        x="home_easting", y="home_northing",
        custom={"impossible_sessions": (0.001, _impossible_sessions),
                "unreadable_sessions": (0.0005, _unreadable_sessions)}), "utf-8"),
}

#: Personal columns of each extract, and the exact-time column (published data is month-only).
#: Kept apart from the hub's schemas on purpose: the tests check the hub against the generator.
PERSONAL = {
    "police_crime": (("crime_ref", "victim_name", "victim_dob", "victim_address", "offender_name"), "reported_at"),
    "asb_incidents": (("incident_ref", "caller_name", "caller_phone", "caller_address"), "reported"),
    "fire_incidents": (("incident_number", "address"), "call_datetime"),
    "school_attendance": (("upn", "pupil_name", "date_of_birth", "home_address"), None),
}


def canaries(dataset: str, frame: pd.DataFrame, k: int = 50) -> dict[str, list[str]]:
    """Personal values planted in the extract (and exact times) that must never leave it."""
    columns, exact = PERSONAL[dataset]
    out = {c: sorted(set(frame[c].astype(str).head(k))) for c in columns}
    if exact:
        out["exact_times"] = sorted(set(frame[exact].astype(str).head(k)))
    return out


def write_population(path: Path, shared: surface.Surface, seed: int) -> int:
    """Synthetic residents per output area: each LSOA's population split over its OAs."""
    from jin_hub.demo.boundaries import FILES

    oas = [f["properties"] for f in json.loads(FILES["oa"].read_text(encoding="utf-8"))["features"]]
    by_lsoa: dict[str, list[str]] = {}
    for p in oas:
        by_lsoa.setdefault(p["LSOA11CD"], []).append(p["OA11CD"])
    rng = np.random.default_rng([seed, 99])
    lines = ["# SYNTHETIC demo population (not ONS estimates): residents per output area",
             "area_code,population"]
    for code, pop in zip(shared.areas.codes, shared.population):
        parts = by_lsoa[code]
        for oa, n in zip(parts, rng.multinomial(int(pop), np.full(len(parts), 1 / len(parts)))):
            lines.append(f"{oa},{n}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 2


def generate(out_dir: Path, seed: int = 7, scale: float = 1.0,
             datasets: tuple[str, ...] = ALL_DATASETS, year: int = 2024) -> dict[str, Path]:
    """Write the synthetic extracts and ``manifest.json`` into ``out_dir``; return their paths."""
    unknown = set(datasets) - set(ALL_DATASETS)
    if unknown:
        raise ValueError(f"unknown dataset(s) {sorted(unknown)}; choose from {list(ALL_DATASETS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shared = surface.build_surface(surface.load_areas(), seed)
    manifest: dict = {"seed": seed, "scale": scale, "year": year, "synthetic": True, "files": {}}
    paths: dict[str, Path] = {}
    for number, dataset in enumerate(ALL_DATASETS):
        if dataset not in datasets:
            continue
        rng = np.random.default_rng([seed, number])          # each file independent of which others are made
        clean = partners.GENERATORS[dataset](shared, rng, scale, year)
        spec, encoding = SPECS[dataset]
        lines, dirt = spoil(rng, clean, spec)
        path = out_dir / f"{dataset}.csv"
        path.write_text("\n".join(lines) + "\n", encoding=encoding)
        manifest["files"][dataset] = {"file": path.name, "data_lines": len(lines) - 1, "encoding": encoding,
                                      "dirty_lines": dirt, "canaries": canaries(dataset, clean)}
        paths[dataset] = path
    population = out_dir / "population_oa_synthetic.csv"
    manifest["population"] = {"file": population.name, "areas": write_population(population, shared, seed),
                              "geography": "oa", "synthetic": True}
    paths["population"] = population
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
