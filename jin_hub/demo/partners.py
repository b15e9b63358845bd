"""The four founding partners' record-level extracts, clean, before any dirt is added.

Each generator returns one row per record with the columns its partner system exports, personal
fields included. Expected counts per area come from the shared ``Surface`` so that truancy,
criminal damage and minor arson rise together where youth disorder is high, except in the
surface's decoupled clusters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jin_hub.demo import people
from jin_hub.demo.surface import Surface, sample_points

#: Monthly seasonality of incidents (Jan..Dec), shared by the incident datasets.
SEASON = np.array([0.93, 0.86, 0.97, 0.98, 1.05, 1.06, 1.10, 1.07, 1.01, 1.02, 0.97, 0.98])

#: police.uk categories (anti-social behaviour is its own dataset): (share of all crime, driver,
#: power). Driver: 'dep' deprivation, 'youth' youth disorder, 'night' deprivation × night-time economy.
CRIME_CATEGORIES: dict[str, tuple[float, str, float]] = {
    "Violence and sexual offences": (0.35, "night", 1.3),
    "Public order": (0.10, "night", 1.2),
    "Criminal damage and arson": (0.10, "youth", 1.8),
    "Shoplifting": (0.09, "night", 0.6),
    "Other theft": (0.08, "dep", 0.8),
    "Vehicle crime": (0.06, "dep", 1.0),
    "Burglary": (0.06, "dep", 1.1),
    "Other crime": (0.03, "dep", 1.0),
    "Drugs": (0.03, "dep", 1.6),
    "Theft from the person": (0.015, "night", 0.5),
    "Bicycle theft": (0.015, "dep", 0.7),
    "Robbery": (0.012, "dep", 1.4),
    "Possession of weapons": (0.012, "dep", 1.5),
}
CRIMES_PER_YEAR = 90_000

#: ASB: Home Office categories (police) and council subtypes: (share, driver, power, recorded by).
ASB_CATEGORIES: dict[str, tuple[float, str, float, str]] = {
    "Personal": (0.20, "dep", 1.2, "Police"),
    "Nuisance": (0.42, "night", 1.0, "Police"),
    "Environmental": (0.08, "dep", 1.0, "Police"),
    "Fly-tipping": (0.15, "dep", 1.3, "Council"),
    "Noise": (0.10, "night", 0.8, "Council"),
    "Graffiti": (0.05, "youth", 1.6, "Council"),
}
ASB_PER_YEAR = 30_000

#: Fire and rescue: IRS incident group and motive, (share, driver, power).
FIRE_TYPES: dict[tuple[str, str], tuple[float, str, float]] = {
    ("Primary fire", "Accidental"): (0.16, "dep", 0.5),
    ("Primary fire", "Deliberate"): (0.05, "dep", 1.8),
    ("Secondary fire", "Deliberate"): (0.17, "youth", 2.2),      # minor arson
    ("Secondary fire", "Accidental"): (0.07, "flat", 0.0),
    ("Chimney fire", ""): (0.02, "rural", 1.0),
    ("False alarm", ""): (0.38, "flat", 0.0),
    ("Special service", ""): (0.15, "dep", 0.4),
}
FIRE_PER_YEAR = 9_000

#: School terms in a calendar year: (term label, first month, typical sessions possible).
TERMS = (("Spring", 1, 120), ("Summer", 4, 112), ("Autumn", 9, 140))
PUPIL_SHARE = 0.12            # pupils on roll as a share of residents (ages 5–15)


def _weights(s: Surface, driver: str, power: float) -> np.ndarray:
    base = {"dep": s.deprivation, "youth": s.youth, "night": s.deprivation, "flat": np.ones(len(s)),
            "rural": 1.0 - s.deprivation}[driver]
    w = s.population * (0.15 + base) ** power
    return w * s.night if driver == "night" else w


def _expected(s: Surface, rng: np.random.Generator, specs: list[tuple[float, str, float]], total: float
              ) -> np.ndarray:
    """Poisson counts per (area, type): shape (n_areas, n_types), summing to about ``total``."""
    noise = rng.lognormal(0.0, 0.35, len(s))
    lam = np.empty((len(s), len(specs)))
    for j, (share, driver, power) in enumerate(specs):
        w = _weights(s, driver, power) * noise
        lam[:, j] = w / w.sum() * share
    lam *= total / lam.sum()
    return rng.poisson(lam)


def _events(s: Surface, rng: np.random.Generator, counts: np.ndarray, year: int) -> pd.DataFrame:
    """One row per event: easting, northing, area index, type index, timestamp (sorted by time)."""
    per_area = counts.sum(axis=1)
    x, y, area_idx = sample_points(s.areas, per_area, rng)
    type_idx = np.concatenate([np.repeat(np.arange(counts.shape[1]), counts[i]) for i in np.flatnonzero(per_area)])
    n = len(x)
    month = rng.choice(12, n, p=SEASON / SEASON.sum())
    when = (pd.to_datetime({"year": np.full(n, year), "month": month + 1, "day": rng.integers(1, 29, n)})
            + pd.to_timedelta(rng.integers(0, 24 * 60, n), "m"))
    frame = pd.DataFrame({"x": np.round(x).astype(int), "y": np.round(y).astype(int), "area": area_idx,
                          "type": type_idx, "when": when})
    return frame.sort_values("when", kind="stable").reset_index(drop=True)


def police_crime(s: Surface, rng: np.random.Generator, scale: float, year: int) -> pd.DataFrame:
    cats = list(CRIME_CATEGORIES)
    ev = _events(s, rng, _expected(s, rng, list(CRIME_CATEGORIES.values()), CRIMES_PER_YEAR * scale), year)
    n = len(ev)
    return pd.DataFrame({
        "crime_ref": people.references(rng, n, f"NP/{year % 100:02d}/{{:07d}}"),
        "reported_at": ev["when"].dt.strftime("%Y-%m-%dT%H:%M"),
        "category": np.array(cats)[ev["type"]],
        "easting": ev["x"], "northing": ev["y"],
        "location_desc": rng.choice(["On or near Supermarket", "On or near Parking Area", "On or near Park/Open Space",
                                     "On or near Nightclub", "On or near Petrol Station"], n),
        "victim_name": people.names(rng, n), "victim_dob": people.dates_of_birth(rng, n),
        "victim_address": people.addresses(rng, n), "offender_name": people.names(rng, n),
        "outcome": rng.choice(["Under investigation", "Investigation complete; no suspect identified",
                               "Offender given a caution", "Awaiting court outcome", "Local resolution"], n),
    })


def asb_incidents(s: Surface, rng: np.random.Generator, scale: float, year: int) -> pd.DataFrame:
    cats = list(ASB_CATEGORIES)
    specs = [(share, driver, power) for share, driver, power, _ in ASB_CATEGORIES.values()]
    ev = _events(s, rng, _expected(s, rng, specs, ASB_PER_YEAR * scale), year)
    n = len(ev)
    recorder = np.array([ASB_CATEGORIES[c][3] for c in cats])[ev["type"]]
    return pd.DataFrame({
        "incident_ref": people.references(rng, n, f"ASB-{year}-{{:07d}}"),
        "reported": ev["when"].dt.strftime("%d/%m/%Y %H:%M"),
        "recorded_by": recorder,
        "asb_type": np.array(cats)[ev["type"]],
        "easting": ev["x"], "northing": ev["y"],
        "caller_name": people.names(rng, n), "caller_phone": people.phone_numbers(rng, n),
        "caller_address": people.addresses(rng, n),
    })


def fire_incidents(s: Surface, rng: np.random.Generator, scale: float, year: int) -> pd.DataFrame:
    types = list(FIRE_TYPES)
    ev = _events(s, rng, _expected(s, rng, list(FIRE_TYPES.values()), FIRE_PER_YEAR * scale), year)
    n = len(ev)
    group = np.array([g for g, _ in types])[ev["type"]]
    motive = np.array([m for _, m in types], dtype=object)[ev["type"]]
    unknown = (motive == "Accidental") & (rng.random(n) < 0.1)          # IRS: "Not known" counts as accidental
    motive[unknown] = "Not known"
    return pd.DataFrame({
        "incident_number": people.references(rng, n, f"NFRS{year % 100:02d}{{:07d}}"),
        "call_datetime": ev["when"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "incident_group": group, "motive": motive,
        "easting": ev["x"], "northing": ev["y"],
        "address": people.addresses(rng, n),
        "property_type": np.where(group == "Secondary fire", rng.choice(["Grassland", "Refuse", "Wheelie bin",
                                                                          "Derelict vehicle"], n), "Dwelling"),
        "station_ground": rng.choice(["London Road", "Stockhill", "Highfields", "Mansfield", "Worksop"], n),
    })


def school_attendance(s: Surface, rng: np.random.Generator, scale: float, year: int) -> pd.DataFrame:
    """One row per pupil per term; a pupil's absence propensity persists across terms."""
    pupils = rng.poisson(s.population * PUPIL_SHARE * scale)
    x, y, area_idx = sample_points(s.areas, pupils, rng)
    n = len(x)
    area_rate = (0.03 + 0.09 * s.youth ** 1.2) * rng.lognormal(0.0, 0.15, len(s))   # mean absence rate
    propensity = area_rate[area_idx] * rng.lognormal(-0.18, 0.6, n)
    upn = np.array(people.upns(rng, n))
    name, dob = people.names(rng, n), people.dates_of_birth(rng, n, f"{year - 16}-09-01", 365 * 11)
    address = people.addresses(rng, n)
    urn = rng.integers(122000, 122400, n)
    frames = []
    for term, _month, possible in TERMS:
        poss = np.maximum(possible - rng.integers(0, 12, n), 1)
        rate = np.clip(propensity * rng.uniform(0.6, 1.4, n), 0.0, 0.9)
        missed = np.round(rate * poss).astype(int)
        unauth = rng.binomial(missed, 0.35)
        frames.append(pd.DataFrame({
            "upn": upn, "pupil_name": name, "date_of_birth": dob, "home_address": address,
            "home_easting": np.round(x).astype(int), "home_northing": np.round(y).astype(int),
            "school_urn": urn, "term": f"{term} {year}", "sessions_possible": poss,
            "sessions_authorised_absence": missed - unauth, "sessions_unauthorised_absence": unauth,
        }))
    return pd.concat(frames, ignore_index=True)


GENERATORS = {"police_crime": police_crime, "asb_incidents": asb_incidents, "fire_incidents": fire_incidents,
              "school_attendance": school_attendance}
