"""Fake personal details for synthetic extracts: the values the hub must never let out.

Names include accents and apostrophes (they exercise encodings and quoting); every value is
invented. The canaries listed in the manifest are drawn from these columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FIRST = ["Amelia", "Oliver", "Zoë", "Mohammed", "Siobhán", "Jack", "Ava", "Kacper", "Priya", "Noah",
         "Chloé", "Aleksandra", "Dáithí", "Grace", "Oluwaseun", "Isla", "Harry", "Renée", "Jamal", "Sophie"]
LAST = ["Smith", "O'Connor", "Khan", "Nowak", "Brown", "Patel", "Wilson", "Müller", "Taylor", "Okafor",
        "Jones", "Ní Bhriain", "Walker", "Kowalski", "Clarke", "Begum", "Wright", "D'Souza", "Hall", "Green"]
STREETS = ["Mansfield Road", "Alfreton Road", "Carlton Road", "Derby Road", "Hucknall Lane", "Station Street",
           "Church Lane", "Victoria Street", "Sherwood Rise", "Queen's Walk", "Castle Boulevard", "Forest Road"]


def names(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.char.add(np.char.add(rng.choice(FIRST, n).astype(str), " "), rng.choice(LAST, n).astype(str))


def dates_of_birth(rng: np.random.Generator, n: int, oldest: str = "1940-01-01", span_days: int = 365 * 65
                   ) -> np.ndarray:
    dob = pd.to_datetime(oldest) + pd.to_timedelta(rng.integers(0, span_days, n), unit="D")
    return dob.strftime("%Y-%m-%d").to_numpy()


def addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    house = rng.integers(1, 240, n).astype(str)
    street = np.char.add(np.char.add(house, " "), rng.choice(STREETS, n).astype(str))
    return np.char.add(street, ", Nottinghamshire")


def phone_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array([f"07{k:09d}" for k in rng.integers(0, 10**9, n)])


def references(rng: np.random.Generator, n: int, template: str, space: int = 9_000_000) -> list[str]:
    """Unique reference numbers, e.g. template ``NP/24/{:07d}``."""
    return [template.format(k) for k in rng.choice(space, n, replace=False) + 1_000_000]


def upns(rng: np.random.Generator, n: int) -> list[str]:
    """Unique pupil numbers shaped like DfE UPNs (a letter and 12 digits)."""
    letters = rng.choice(list("ABCDEFGHJKLMNPQRTUVWXYZ"), n)
    return [f"{a}{k:012d}" for a, k in zip(letters, rng.choice(10**12, n, replace=False))]
