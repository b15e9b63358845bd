"""Reference layers: published statistics per area (the Indices of Deprivation, say) that analysts
set beside JiN counts.

They are already aggregates published under an open licence, so they pass through no disclosure
control and the catalogue says so. A reference dataset is one geography's areas × a set of numeric
indicators, each with a readable label and a note of which way is worse (IMD rank 1 = most
deprived), loaded whole from a CSV: a bad file is refused before anything stored changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from jin_hub.backends import Connection
from jin_hub.ingest.registry import schemas

THEME = "reference"
LICENCE = "Open Government Licence v3.0"
PUBLISHER = "Ministry of Housing, Communities and Local Government"
ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0. "
               f"Source: {PUBLISHER}.")
DISCLOSURE = {"method": "none",
              "rule": "Published reference statistics (already aggregates): no disclosure control applies."}
ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: A code column: area_code, lsoa21_code, LSOA11CD ...
CODE_COLUMN = re.compile(r"^(area_code|[a-z]+\d\d_code|[A-Z]+\d\dCD)$", re.IGNORECASE)
NAME_COLUMN = re.compile(r"(^|_)name$|^[A-Z]+\d\dNM$", re.IGNORECASE)
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")

#: What a column's name says about reading it: (which end is worse, how to read it).
KINDS = {
    "decile": ("low", "decile: 1 = the most deprived 10% of areas in England, 10 = the least deprived 10%"),
    "rank": ("low", "rank: 1 = the most deprived area in England"),
    "score": ("high", "score: higher = more deprived"),
}
RATE = ("high", "rate: higher = more incidents for the population at risk")
UNKNOWN = ("", "as published: see the publisher's technical report for which way is worse")
#: Readable names of the Indices of Deprivation's parts (other prefixes read as they are written).
DOMAINS = {"IMD": "Index of Multiple Deprivation", "Education": "Education, Skills and Training domain",
           "Health": "Health Deprivation and Disability domain", "Environment": "Living Environment domain",
           "Housing_and_Access": "Barriers to Housing and Services domain",
           "Housing_and_Services": "Barriers to Housing and Services domain"}


class ReferenceFileError(ValueError):
    """A reference file or request the hub cannot use, with what to do about it."""


@dataclass(frozen=True)
class Indicator:
    id: str                 # the source column, and the field name in a client's layer
    label: str
    direction: str          # how to read it, e.g. "rank: 1 = the most deprived area in England"
    worse: str              # "low", "high" or "" (unknown): which end of the scale is worse


def describe(column: str, label: str | None = None) -> Indicator:
    """An indicator for ``column``, read from its name: ``IMD_rank``, ``Crime_decile``,
    ``burglary_rate_per_1_000_at_risk_properties`` ..."""
    stem, _, kind = column.rpartition("_")
    worse, direction = KINDS.get(kind.lower(), RATE if "rate_per" in column.lower() else UNKNOWN)
    if label is None:
        if kind.lower() in KINDS:
            part = DOMAINS.get(stem, f"{stem.replace('_', ' ')} domain")
            label = f"{part} {kind.lower()}"
        else:
            label = THOUSANDS.sub(",", column.replace("_1_000", " 1,000").replace("_", " "))
        label = label[:1].upper() + label[1:]
    return Indicator(column, label, direction, worse)


def parse_columns(spec: list[str] | None) -> dict[str, str | None]:
    """``--columns`` values (``IMD_rank`` or ``IMD_rank=Deprivation rank``, comma- or space-separated)
    as {column: label or None}."""
    out: dict[str, str | None] = {}
    for item in (part.strip() for chunk in spec or [] for part in chunk.split(",")):
        if item:
            column, _, label = item.partition("=")
            out[column.strip()] = label.strip() or None
    return out


@dataclass
class Table:
    """A validated reference file: its codes and each chosen indicator's values."""

    codes: list[str]
    indicators: list[Indicator]
    values: dict[str, list[float | None]]
    sha256: str


def _numbers(frame: pd.DataFrame, column: str, name: str) -> list[float | None]:
    text = frame[column].fillna("").str.strip()
    numbers = pd.to_numeric(text.str.replace(THOUSANDS, "", regex=True), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        lines = ", ".join(str(i + 2) for i in bad[bad].index[:5])
        example = text[bad].iloc[0]
        raise ReferenceFileError(f"{name}: column {column} must hold numbers; '{example}' on line(s) {lines} is not "
                              "one. Correct the file, or leave the column out with --columns")
    return [None if pd.isna(v) else float(v) for v in numbers]


def read_table(path: Path, columns: dict[str, str | None] | None = None, code_column: str | None = None) -> Table:
    """The file's area codes and the chosen columns (default: every column but codes and names)."""
    path = Path(path)
    if not path.is_file():
        raise ReferenceFileError(f"reference file {path} not found: check the path")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(f"{path.name} is not a readable UTF-8 CSV ({exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    cols = list(frame.columns)
    if code_column is None:
        found = [c for c in cols if CODE_COLUMN.match(c)]
        code_column = found[0] if len(found) == 1 else None
        if code_column is None:
            why = f"several ({', '.join(found)})" if found else "none"
            raise ReferenceFileError(f"{path.name} needs one area code column (area_code, lsoa21_code, LSOA11CD ...), "
                                  f"found {why}: name it with --code-column; columns: {', '.join(cols)}")
    elif code_column not in cols:
        raise ReferenceFileError(f"{path.name} has no column '{code_column}'; columns: {', '.join(cols)}")
    chosen = columns or {c: None for c in cols
                         if c != code_column and not CODE_COLUMN.match(c) and not NAME_COLUMN.search(c)}
    missing = [c for c in chosen if c not in cols]
    if missing or not chosen:
        raise ReferenceFileError(f"{path.name} has no column(s) {', '.join(missing)}" if missing else
                              f"{path.name} has no indicator columns beside its codes"
                              f"; choose from: {', '.join(c for c in cols if c != code_column)}")
    codes = frame[code_column].str.strip()
    if (codes == "").any():
        raise ReferenceFileError(f"{path.name}: line {int((codes == '').idxmax()) + 2} has no area code")
    if codes.duplicated().any():
        raise ReferenceFileError(f"{path.name}: area {codes[codes.duplicated()].iloc[0]} appears more than once")
    values = {c: _numbers(frame, c, path.name) for c in chosen}
    return Table(list(codes), [describe(c, label) for c, label in chosen.items()], values,
                 hashlib.sha256(path.read_bytes()).hexdigest())


def _check(conn: Connection, dataset: str, geography: str, title: str, table: Table, name: str) -> None:
    """Refuse what would make a wrong or clashing reference dataset."""
    if not ID.match(dataset):
        raise ReferenceFileError(f"dataset id '{dataset}' is not usable: use lower-case letters, digits and _ "
                              "(up to 40, starting with a letter), e.g. imd2025")
    if not title.strip():
        raise ReferenceFileError("give the dataset a --title, e.g. --title 'English Indices of Deprivation 2025'")
    if dataset in schemas(conn) or conn.execute("SELECT 1 FROM datasets WHERE id = ?", (dataset,)).fetchone():
        raise ReferenceFileError(f"'{dataset}' is already a JiN dataset of counts: give the reference dataset "
                              "another --id")
    loaded = [g for (g,) in conn.execute("SELECT geography FROM geographies ORDER BY geography")]
    if geography not in loaded:
        raise ReferenceFileError(f"unknown geography '{geography}': the hub has boundaries for "
                              f"{', '.join(loaded) or 'none'}; load its boundaries first "
                              f"(jin-hub load-boundaries FILE --geography {geography}) or choose one of those")
    known = {c for (c,) in conn.execute("SELECT area_code FROM areas WHERE geography = ?", (geography,))}
    unknown = sorted(set(table.codes) - known)
    if unknown:
        raise ReferenceFileError(f"{len(unknown)} area code(s) in {name} are not loaded {geography} areas, e.g. "
                              f"{', '.join(unknown[:3])}: check the file is for geography '{geography}' "
                              "(LSOA 2011 and 2021 codes differ)")


def load(conn: Connection, path: Path, dataset: str, geography: str, title: str,
         columns: dict[str, str | None] | None = None, code_column: str | None = None, description: str = "",
         publisher: str = PUBLISHER, licence: str = LICENCE, attribution: str = ATTRIBUTION) -> dict:
    """Store (or replace) reference dataset ``dataset`` from the CSV at ``path``, in one transaction.

    Returns its catalogue entry.
    """
    path = Path(path)
    table = read_table(path, columns, code_column)
    _check(conn, dataset, geography, title, table, path.name)
    n_areas = conn.execute("SELECT count(*) FROM areas WHERE geography = ?", (geography,)).fetchone()[0]
    description = description.strip() or (
        f"{title.strip()}: {len(table.indicators)} published indicator(s) per {geography} area, from {path.name}.")
    rows = [(dataset, ind.id, code, v) for ind in table.indicators
            for code, v in zip(table.codes, table.values[ind.id])]
    with conn:
        conn.begin_write()
        conn.execute("DELETE FROM reference_values WHERE dataset = ?", (dataset,))
        conn.execute("INSERT OR REPLACE INTO reference_datasets VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                     (dataset, title.strip(), description, geography,
                      json.dumps([asdict(i) for i in table.indicators]), path.name, table.sha256, publisher,
                      licence, attribution, datetime.now(timezone.utc).isoformat(timespec="seconds"), n_areas))
        conn.executemany("INSERT INTO reference_values VALUES (?,?,?,?)", rows)
    return next(e for e in entries(conn) if e["id"] == dataset)


# ---- read side -------------------------------------------------------------------------------
def _present(conn: Connection) -> bool:
    return conn.has_table("reference_datasets")        # (a hub database older than reference data)


def state(conn: Connection) -> str:
    """What reference entries depend on (changes with every load)."""
    if not _present(conn):
        return ""
    return ",".join(":".join(row) for row in conn.execute(
        "SELECT id, source_sha256, loaded_at FROM reference_datasets ORDER BY id"))


def _entry(row: tuple) -> dict:
    (dataset, title, description, geography, indicators_json, source, sha, publisher, licence, attribution,
     loaded_at, areas) = row
    indicators = json.loads(indicators_json)
    ids = [i["id"] for i in indicators]
    return {
        "id": dataset, "title": title, "description": description, "theme": THEME, "partner": publisher,
        "keywords": ["reference", *(i["label"] for i in indicators)],
        "measures": ["value"], "units": "", "rate": None,
        "categories": ids, "indicators": indicators,
        "periods": [], "years": [], "financial_years": [], "rolling": [], "period_labels": {},
        "geographies": [geography], "publication": {i: [geography] for i in ids}, "publication_years": {},
        "disclosure": DISCLOSURE, "licence": licence, "attribution": attribution, "source": source,
        "release": {"id": f"{dataset}-{sha[:12]}", "created": loaded_at, "source": source,
                    "accepted_rows": areas, "quarantined_rows": 0,
                    "notes": f"Loaded {loaded_at} from {source} (SHA-256 {sha[:12]}…). {attribution}"},
    }


def entries(conn: Connection) -> list[dict]:
    """Catalogue entries of the reference datasets, by id."""
    if not _present(conn):
        return []
    return [_entry(row) for row in conn.execute("SELECT * FROM reference_datasets ORDER BY id")]


def values(conn: Connection, dataset: str, geography: str,
           indicator: str | None) -> tuple[dict, dict, dict[str, float | None]]:
    """(entry, indicator, {area_code: value}) of one indicator (default: the first); LookupError
    naming what exists."""
    found = {e["id"]: e for e in entries(conn)}
    if dataset not in found:
        raise LookupError(f"no reference dataset '{dataset}'; published: {', '.join(found) or 'none'}")
    entry = found[dataset]
    if geography not in entry["geographies"]:
        raise LookupError(f"reference dataset '{dataset}' is published only for geography "
                          f"'{entry['geographies'][0]}'")
    chosen = next((i for i in entry["indicators"] if i["id"] == (indicator or entry["categories"][0])), None)
    if chosen is None:
        raise LookupError(f"indicator '{indicator}' is not in reference dataset '{dataset}'; choose one of: "
                          f"{', '.join(entry['categories'])}")
    rows = conn.execute("SELECT area_code, value FROM reference_values WHERE dataset = ? AND indicator = ? "
                        "ORDER BY area_code", (dataset, chosen["id"]))
    return entry, chosen, dict(rows)
