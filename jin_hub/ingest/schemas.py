"""Per-dataset schemas: the columns a partner extract must have, which are personal, and the
allowed categories with the variants partner systems are known to emit.

A schema is data, not code, so adding a dataset means adding an entry here; the cleansing and
aggregation machinery is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import pandas as pd

from jin_hub.ingest import derive
from jin_hub.ingest.labels import normalise_label

OGL = "Open Government Licence v3.0 (synthetic demo data)"


@dataclass(frozen=True)
class ReleasePolicy:
    """What may be published for a dataset, agreed under the data sharing protocol.

    ``finest`` gives, per category, the finest geography it may be published at by month ('all' =
    the total over categories, '*' = any category not named); ``finest_year`` the same for the
    multi-month periods that ``years`` adds beside the months (calendar years, complete financial
    years and the latest rolling 12 months: ``jin_hub.periods``). ``method`` is 'suppression'
    (primary + secondary, counts of 1 to threshold-1 withheld) or 'cell_key' (ONS cell-key
    perturbation, counts below threshold withheld after perturbation).
    """

    method: str = "suppression"
    threshold: int = 5
    finest: dict[str, str] = field(default_factory=lambda: {"all": "lsoa", "*": "lsoa"})
    years: bool = True
    #: finest geography per category for multi-month totals (default: as for months); a year
    #: gathers enough people to publish totals at a finer level than a month can
    finest_year: dict[str, str] = field(default_factory=lambda: {"all": "oa", "*": "lsoa"})

    def finest_for(self, category: str, year: bool = False) -> str:
        rules = self.finest_year if year else self.finest
        return rules.get(category, rules.get("*", "lsoa"))


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
    variants: dict[str, str] = field(default_factory=dict)   # variant -> category
    licence: str = OGL
    unit: str = "recorded incidents"
    categorise: Callable[..., derive.Derived] = derive.category_column
    period_of: Optional[Callable[[pd.Series], pd.Series]] = None     # None: parse dates in date_column
    period_label: Optional[Callable[[str], str]] = None   # how to name a period when it is not a month
    #: pseudonym columns kept for record-level access: name -> (kind, input columns). Inputs are read,
    #: keyed and dropped. Kind 'person' is shared across datasets so people can be linked.
    pseudonyms: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    policy: ReleasePolicy = field(default_factory=ReleasePolicy)
    #: rate = count / denominator × per: a loaded measure ('population'), or 'all' for the share of
    #: the dataset's own total (e.g. persistently absent pupils per 100 on roll)
    denominator: str = "population"
    rate_per: int = 1000

    def __post_init__(self) -> None:
        if not {self.x_column, self.y_column} <= set(self.required):     # blank rows are found by them
            raise ValueError(f"schema {self.id}: the coordinate columns must be required columns")

    def pseudonym_inputs(self) -> set[str]:
        return {c for _, cols in self.pseudonyms.values() for c in cols}

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
    unit="recorded crimes",
    pseudonyms={"record_key": ("police_crime", ("crime_ref",)),
                "person_key": ("person", ("victim_name", "victim_dob"))},
    # sexual offences are the sensitive part of this category: neighbourhood (MSOA) and up only
    policy=ReleasePolicy(method="cell_key", finest={"all": "lsoa", "*": "lsoa", "Violence and sexual offences": "msoa"},
                         finest_year={"all": "oa", "*": "lsoa", "Violence and sexual offences": "msoa"}),
)

ASB_INCIDENTS = DatasetSchema(
    id="asb_incidents",
    title="Anti-social behaviour incidents",
    description=("Anti-social behaviour reported to Nottinghamshire Police (Home Office categories: personal, "
                 "nuisance, environmental) and to the councils (fly-tipping, noise, graffiti), counted by "
                 "census area and month."),
    theme="asb",
    partner="Nottinghamshire Police and district councils",
    keywords=("asb", "anti-social behaviour", "antisocial", "nuisance", "fly-tipping", "noise", "graffiti"),
    required=("incident_ref", "reported", "asb_type", "easting", "northing"),
    personal=("incident_ref", "caller_name", "caller_phone", "caller_address"),
    date_column="reported",
    category_column="asb_type",
    x_column="easting",
    y_column="northing",
    categories=("Personal", "Nuisance", "Environmental", "Fly-tipping", "Noise", "Graffiti"),
    variants={"ASB - Personal": "Personal", "ASB - Nuisance": "Nuisance", "ASB - Environmental": "Environmental",
              "Nusiance": "Nuisance", "Enviromental": "Environmental", "Flytipping": "Fly-tipping",
              "Fly tiping": "Fly-tipping", "Noise nuisance": "Noise"},
    pseudonyms={"record_key": ("asb_incidents", ("incident_ref",)),
                "caller_key": ("caller", ("caller_name", "caller_phone"))},
    policy=ReleasePolicy(method="cell_key", threshold=10, finest={"all": "oa", "*": "lsoa"}),
)

FIRE_INCIDENTS = DatasetSchema(
    id="fire_incidents",
    title="Fire and rescue incidents",
    description=("Incidents attended by Nottinghamshire Fire and Rescue Service by IRS incident group and "
                 "motive. Minor arson is a deliberate secondary fire (grassland, refuse, derelict vehicles)."),
    theme="fire",
    partner="Nottinghamshire Fire and Rescue Service",
    keywords=("fire", "arson", "minor arson", "secondary fire", "deliberate fire", "IRS", "rescue"),
    required=("incident_number", "call_datetime", "incident_group", "motive", "easting", "northing"),
    personal=("incident_number", "address"),
    date_column="call_datetime",
    category_column="incident_group",
    x_column="easting",
    y_column="northing",
    categories=("Primary fire, accidental", "Primary fire, deliberate", "Secondary fire, accidental",
                "Secondary fire, deliberate (minor arson)", "Chimney fire", "False alarm", "Special service"),
    variants={"Primary fire": "Primary fire", "Secondary fire": "Secondary fire", "Secondary fires": "Secondary fire",
              "False alarms": "False alarm", "False alarm - AFA": "False alarm", "Chimney fire": "Chimney fire",
              "Chimney": "Chimney fire"},
    categorise=derive.fire_category,
    pseudonyms={"record_key": ("fire_incidents", ("incident_number",)),
                "address_key": ("address", ("address",))},
    policy=ReleasePolicy(method="cell_key"),
)

SCHOOL_ATTENDANCE = DatasetSchema(
    id="school_attendance",
    title="School attendance: persistent absence",
    description=("Pupils on roll at Nottinghamshire schools by home census area and term, split into those "
                 "persistently absent (missing 10% or more of possible sessions) and the rest."),
    theme="education",
    partner="Nottinghamshire County Council and Nottingham City Council (education)",
    keywords=("school", "attendance", "absence", "persistent absence", "truancy", "pupils", "education"),
    required=("upn", "term", "home_easting", "home_northing", "sessions_possible",
              "sessions_authorised_absence", "sessions_unauthorised_absence"),
    personal=("upn", "pupil_name", "date_of_birth", "home_address"),
    date_column="term",
    category_column="",
    x_column="home_easting",
    y_column="home_northing",
    categories=("Persistently absent", "Not persistently absent"),
    unit="pupils",
    categorise=derive.school_persistent_absence,
    period_of=derive.term_month,
    period_label=derive.term_label,
    pseudonyms={"record_key": ("upn", ("upn",)), "person_key": ("person", ("pupil_name", "date_of_birth"))},
    # children: nothing finer than LSOA; terms only (a pupil is on roll in every term of a year)
    policy=ReleasePolicy(method="cell_key", finest={"all": "lsoa", "*": "lsoa"}, years=False, finest_year={}),
    denominator="all",
    rate_per=100,
)

SCHEMAS: dict[str, DatasetSchema] = {s.id: s for s in (POLICE_CRIME, ASB_INCIDENTS, FIRE_INCIDENTS,
                                                         SCHOOL_ATTENDANCE)}


def get_schema(dataset: str) -> DatasetSchema:
    """The schema for ``dataset`` or a clear error listing the known datasets."""
    try:
        return SCHEMAS[dataset]
    except KeyError:
        raise KeyError(f"unknown dataset '{dataset}'; known datasets: {', '.join(SCHEMAS)}") from None
