"""Per-dataset schemas: the columns a partner extract must have, which are personal, and the
allowed categories with the variants partner systems are known to emit.

A schema is data, not code, so adding a dataset means adding an entry here; the cleansing and
aggregation machinery is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OGL = "Open Government Licence v3.0 (synthetic demo data)"


def normalise_label(text: str) -> str:
    """Compare category labels ignoring case, punctuation, '&' vs 'and' and spacing."""
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class DatasetSchema:
    """What an extract looks like and how its dataset is described in the catalogue."""

    id: str
    title: str
    description: str
    theme: str
    partner: str
    keywords: tuple[str, ...]
    required: tuple[str, ...]           # columns the extract must have
    personal: tuple[str, ...]           # direct identifiers: read, never kept
    date_column: str
    category_column: str
    x_column: str
    y_column: str
    categories: tuple[str, ...]
    variants: dict[str, str] = field(default_factory=dict)   # normalised variant -> category
    licence: str = OGL

    def category_lookup(self) -> dict[str, str]:
        """Normalised label -> canonical category, for both names and known variants."""
        lookup = {normalise_label(c): c for c in self.categories}
        lookup.update({normalise_label(k): v for k, v in self.variants.items()})
        return lookup


POLICE_CRIME = DatasetSchema(
    id="police_crime",
    title="Police recorded crime",
    description=("Crimes recorded by Nottinghamshire Police by police.uk category, counted by the "
                 "census area where they occurred and the month they were reported."),
    theme="crime",
    partner="Nottinghamshire Police",
    keywords=("crime", "police", "police.uk", "recorded crime", "offences"),
    required=("crime_ref", "reported_at", "category", "easting", "northing"),
    personal=("crime_ref", "victim_name", "victim_dob", "victim_address", "offender_name", "location_desc"),
    date_column="reported_at",
    category_column="category",
    x_column="easting",
    y_column="northing",
    categories=(
        "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime", "Other theft",
        "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
        "Vehicle crime", "Violence and sexual offences",
    ),
    variants={
        # police.uk API slugs
        "bicycle-theft": "Bicycle theft", "criminal-damage-arson": "Criminal damage and arson",
        "other-theft": "Other theft", "possession-of-weapons": "Possession of weapons",
        "public-order": "Public order", "theft-from-the-person": "Theft from the person",
        "vehicle-crime": "Vehicle crime", "violent-crime": "Violence and sexual offences",
        "other-crime": "Other crime",
        # misspellings seen in partner extracts
        "Criminal damge and arson": "Criminal damage and arson", "Burglery": "Burglary",
        "Violence and sexual offenses": "Violence and sexual offences",
    },
)

SCHEMAS: dict[str, DatasetSchema] = {s.id: s for s in (POLICE_CRIME,)}


def get_schema(dataset: str) -> DatasetSchema:
    """The schema for ``dataset`` or a clear error listing the known datasets."""
    try:
        return SCHEMAS[dataset]
    except KeyError:
        raise KeyError(f"unknown dataset '{dataset}'; known datasets: {', '.join(SCHEMAS)}") from None
