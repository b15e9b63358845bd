"""Named derivations a dataset definition can call, for fields that need logic.

The default reads one category column and maps known variants; fire combines the IRS incident
group with the deliberate/accidental motive (minor arson = deliberate secondary fire); school
attendance derives persistent absence from sessions and its month from the term; police.uk gives
months as YYYY-MM. A definition names them (``derive.category = "fire_category"``); the
registries below are the only names it can use.

Every function returns, per row: the canonical category (or None), the quarantine reason (or
None) and whether the value was repaired (a known variant mapped), as numpy object/bool arrays.
A reason describes the value, never quotes it: a partner's category field can hold anything,
a victim's name and date of birth included, and the quarantine table is kept with the release.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np
import pandas as pd

from jin_hub.ingest.labels import normalise_label
from jin_hub.ingest.schemas import DatasetSchema, Derived

#: Sessions missed at or above this share of sessions possible = persistent absence (DfE).
PERSISTENT_ABSENCE = 0.10
TERM_MONTH = {"spring": 1, "summer": 4, "autumn": 9}


def by_label(raw: pd.Series, lookup: dict[str, str], what: str) -> Derived:
    """Map labels through ``lookup`` (normalised label → canonical); each distinct label is
    looked at once, a million rows then just take their label's outcome."""
    codes, labels = pd.factorize(raw, sort=False)
    labels = labels.to_numpy(dtype=object)
    canonical = np.array([lookup.get(normalise_label(text)) for text in labels] + [None], dtype=object)
    why = np.array([None if c is not None else f"missing {what}" if not t.strip() else
                    f"unknown {what} ({len(t.strip())} characters)" for t, c in zip(labels, canonical)]
                   + [f"missing {what}"], dtype=object)       # the last entry: code -1, no value at all
    mapped = np.array([c is not None and c != t for t, c in zip(labels, canonical)] + [False])
    return canonical[codes], why[codes], mapped[codes]


def category_column(frame: pd.DataFrame, schema: DatasetSchema) -> Derived:
    """The default: one column of category labels."""
    return by_label(frame[schema.category_column], schema.category_lookup(), "category")


def fire_category(frame: pd.DataFrame, schema: DatasetSchema) -> Derived:
    """IRS incident group × motive; a 'Not known' or blank motive counts as accidental (IRS practice)."""
    group, reason, repaired = by_label(frame[schema.category_column], schema.category_lookup(), "incident group")
    deliberate = frame["motive"].map({m: normalise_label(m) for m in frame["motive"].unique()}).eq(
        "deliberate").to_numpy()
    category = group.copy()
    for g in ("Primary fire", "Secondary fire"):
        rows = group == g
        category[rows & deliberate] = f"{g}, deliberate"
        category[rows & ~deliberate] = f"{g}, accidental"
    category[category == "Secondary fire, deliberate"] = "Secondary fire, deliberate (minor arson)"
    return category, reason, repaired


def school_persistent_absence(frame: pd.DataFrame, schema: DatasetSchema) -> Derived:
    """'Persistently absent' when authorised + unauthorised absence ≥ 10% of sessions possible."""
    cols = ["sessions_possible", "sessions_authorised_absence", "sessions_unauthorised_absence"]
    possible, authorised, unauthorised = (pd.to_numeric(frame[c].str.strip(), errors="coerce").to_numpy(float)
                                          for c in cols)
    n = len(frame)
    reason = np.full(n, None, dtype=object)
    unreadable = ~(np.isfinite(possible) & np.isfinite(authorised) & np.isfinite(unauthorised))
    reason[unreadable] = "unreadable sessions"
    with np.errstate(invalid="ignore"):
        missed = authorised + unauthorised
        bad = ~unreadable & ((possible <= 0) | (authorised < 0) | (unauthorised < 0) | (missed > possible))
    reason[bad] = "sessions missed exceed sessions possible, or are negative"
    category = np.where(missed >= PERSISTENT_ABSENCE * possible, "Persistently absent",
                        "Not persistently absent").astype(object)
    category[reason != None] = None  # noqa: E711
    return category, reason, np.zeros(n, dtype=bool)


def term_label(period: str) -> str:
    """'2024-09' → 'Autumn term 2024' (the inverse of ``term_month``)."""
    year, month = period.split("-")
    term = {m: t for t, m in TERM_MONTH.items()}[int(month)]
    return f"{term.capitalize()} term {year}"


def term_month(values: pd.Series) -> pd.Series:
    """'Autumn 2024' (any case, either order) → '2024-09'; None where unreadable."""
    def one(text: str) -> str | None:
        term = re.search(r"spring|summer|autumn", text, re.IGNORECASE)
        year = re.search(r"\b(19|20)\d{2}\b", text)
        if not (term and year):
            return None
        return f"{year.group(0)}-{TERM_MONTH[term.group(0).lower()]:02d}"
    return values.map({text: one(text) for text in values.unique()})


def year_month(values: pd.Series) -> pd.Series:
    """'2024-09' (police.uk's Month) → itself; None unless a month of a plausible year."""
    text = values.str.strip()          # as objects: a text column would make None NaN
    return text.astype(object).where(text.str.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])").to_numpy(bool), None)


#: Derivations a definition may name, by what they derive.
CATEGORY: dict[str, Callable[[pd.DataFrame, DatasetSchema], Derived]] = {
    "category_column": category_column, "fire_category": fire_category,
    "school_persistent_absence": school_persistent_absence}
PERIOD: dict[str, Callable[[pd.Series], pd.Series]] = {"term_month": term_month, "year_month": year_month}
PERIOD_LABEL: dict[str, Callable[[str], str]] = {"term_label": term_label}
#: The columns each derivation reads besides the category column: a definition calling it must
#: require them.
NEEDS: dict[str, tuple[str, ...]] = {
    "fire_category": ("motive",),
    "school_persistent_absence": ("sessions_possible", "sessions_authorised_absence",
                                  "sessions_unauthorised_absence")}
