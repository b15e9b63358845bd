"""Denominators (residents, pupils on roll) per area, so counts can be published as rates.

Loaded from a CSV of area code and value at any loaded geography, then summed up to every
geography it nests in, so a rate at MSOA uses exactly the population of its LSOAs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jin_hub import nesting
from jin_hub.backends import Connection


class DenominatorError(ValueError):
    """A denominator file the hub cannot use, with what to do about it."""


def read_csv(path: Path, value_column: str | None, code_column: str | None = None) -> pd.DataFrame:
    """Two columns: area code (``code_column``, else ``area_code``, an ONS ``…CD`` or a ``…_code``
    column) and a whole-number value (thousands separators allowed: Census tables have them).
    A code given twice with the same value (a lookup's rows) counts once."""
    path = Path(path)
    if not path.is_file():
        raise DenominatorError(f"denominator file {path} not found: check the path")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DenominatorError(f"{path.name} is not a readable UTF-8 CSV ({exc})") from exc
    cols = [c.strip() for c in frame.columns]
    frame.columns = cols
    code = code_column or next((c for c in cols if c.lower() == "area_code" or c.upper().endswith(("CD", "_CODE"))),
                               None)
    value = value_column or next((c for c in cols if c != code), None)
    if code not in cols or value not in cols:
        raise DenominatorError(f"{path.name} needs an area code column (area_code or e.g. LSOA11CD) and a value "
                               f"column{f' named {value_column}' if value_column else ''}; found: {', '.join(cols)}")
    numbers = pd.to_numeric(frame[value].str.strip().str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        lines = ", ".join(str(i + 2) for i in bad[bad].index[:5])
        raise DenominatorError(f"{path.name}: column {value} must hold whole numbers ≥ 0; not on line(s) {lines}")
    return pd.DataFrame({"area_code": frame[code].str.strip(), "value": numbers.astype("int64")}).drop_duplicates()


def load(conn: Connection, path: Path, measure: str, geography: str, value_column: str | None = None,
         code_column: str | None = None) -> dict[str, int]:
    """Replace ``measure`` with the file's values and their sums at every coarser nested geography.

    Returns the number of areas stored per geography.
    """
    frame = read_csv(path, value_column, code_column)
    known = {a for (a,) in conn.execute("SELECT area_code FROM areas WHERE geography = ?", (geography,))}
    if not known:
        raise DenominatorError(f"no '{geography}' boundaries loaded: load them before their denominators")
    unknown = sorted(set(frame["area_code"]) - known)
    if unknown:
        raise DenominatorError(f"{len(unknown)} area code(s) in {Path(path).name} are not loaded {geography} areas, "
                               f"e.g. {', '.join(unknown[:3])}: check the file is for geography '{geography}'")
    if frame["area_code"].duplicated().any():
        dup = frame.loc[frame["area_code"].duplicated(), "area_code"].iloc[0]
        raise DenominatorError(f"area {dup} appears more than once in {Path(path).name}, with different values")
    levels = {geography: frame.set_index("area_code")["value"]}
    if len(frame) == len(known):                     # a partial file would under-count its parents
        for (child, parent), lookup in nesting.nested_maps(conn).items():
            if child == geography:
                levels[parent] = frame.groupby(frame["area_code"].map(lookup))["value"].sum()
    rows = [(measure, g, code, int(v), Path(path).name) for g, series in levels.items() for code, v in series.items()]
    with conn:
        conn.begin_write()
        conn.execute("DELETE FROM denominators WHERE measure = ?", (measure,))
        conn.executemany("INSERT INTO denominators VALUES (?,?,?,?,?)", rows)
    return {g: len(s) for g, s in levels.items()}
