"""What a dataset is, as the machinery reads it: the columns an extract must have, which are
personal, the allowed categories with the variants partner systems emit, and the release policy.

Datasets are not coded here: each is a definition file (``jin_hub.ingest.definitions``) that the
hub administrator writes and registers (``jin_hub.ingest.registry``); this module only holds the
shapes they are read into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import pandas as pd

from jin_hub.ingest.labels import normalise_label

#: A derivation's result per row: canonical category (or None), quarantine reason (or None), and
#: whether the value was repaired (a known variant mapped).
Derived = tuple[np.ndarray, np.ndarray, np.ndarray]


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
    #: the census geography family published on: '2011', '2021', or '' for the default (2021 areas
    #: for data from 2021 on where they are loaded, else 2011)
    family: str = ""

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
    licence: str = ""
    attribution: str = ""               # the statement the licence asks for, printed on every map
    unit: str = "recorded incidents"
    categorise: Optional[Callable[..., Derived]] = None     # None: the category column, variants mapped
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
    rate_label: str = ""                # what the denominator counts, for legends (default: its name)
    crs: str = "EPSG:27700"             # of x_column / y_column
    #: a column of census area codes to place rows by, before their coordinates, and its vintage
    #: ('2011', '2021', or '' when a file mixes them, as police.uk's do)
    area_column: str = ""
    area_vintage: str = ""
    #: (column, 'equals' or 'not_equals', value): only rows passing it belong to the dataset; the
    #: rest are counted as another dataset's, neither accepted nor quarantined
    row_filter: Optional[tuple[str, str, str]] = None
    #: rows sharing a non-empty value of this column are duplicates (first kept); '' = rows
    #: identical in every column
    unique_column: str = ""
    #: which files of a folder given to ingest are this dataset's (glob patterns)
    files: tuple[str, ...] = ("*.csv", "*.csv.gz")
    source: str = ""                    # the definition file it was read from

    def __post_init__(self) -> None:
        if not {self.x_column, self.y_column} <= set(self.required):     # blank rows are found by them
            raise ValueError(f"schema {self.id}: the coordinate columns must be required columns")

    @property
    def location(self) -> str:
        """How rows are placed, for the catalogue and reports."""
        return f"by {self.area_column}, else by coordinates" if self.area_column else "by coordinates"

    def pseudonym_inputs(self) -> set[str]:
        return {c for _, cols in self.pseudonyms.values() for c in cols}

    def category_lookup(self) -> dict[str, str]:
        """Normalised label -> canonical category, for both names and known variants."""
        lookup = {normalise_label(c): c for c in self.categories}
        lookup.update({normalise_label(k): v for k, v in self.variants.items()})
        return lookup
