"""An area's profile: one dataset's measure for one area over every published period, beside its
district and the county, its rank among the other areas, the other datasets for the same area and
the reference indicators (deprivation) loaded for it.

Everything is computed from published cells only (``Store.values``), so a profile tells nothing a
caller could not have put together from the values tables: the county is the sum of the published
district cells (withheld where any district's is), and ranks order only the areas whose value is
published. Withheld values stay withheld: never a zero, never a gap that reads as one.
"""

from __future__ import annotations

from jin_hub import periods, reference
from jin_hub.store import PERIOD_FIELDS, NotFound, Store

COUNTY = "district"          # the county is the sum of the published district cells


def _kind(entry: dict, geography: str, category: str) -> str:
    """The kind of period the area's series runs over: months where the policy publishes months at
    this geography, else the first longer kind it publishes here."""
    if geography in entry["publication"].get(category, []):
        return "month"
    for kind in ("year", "fy", "rolling"):
        if entry[PERIOD_FIELDS[kind]] and geography in entry["publication_years"].get(category, []):
            return kind
    raise NotFound(f"'{category}' in dataset '{entry['id']}' is not published for {geography}")


def _point(value: tuple | None) -> dict:
    """One published value: count, whether withheld, rate (None where unknown or withheld)."""
    if value is None:
        return {"count": None, "suppressed": False, "rate": None}
    count, suppressed, rate, _ = value
    return {"count": count, "suppressed": suppressed, "rate": rate}


def _county(table: dict[str, tuple], per: int | None) -> dict:
    """The sum of every published district cell: withheld when any district's is."""
    cells = list(table.values())
    if any(count is None for count, *_ in cells):
        return {"count": None, "suppressed": True, "rate": None}
    count = sum(c for c, *_ in cells)
    bases = [base for *_, base in cells]
    rate = round(count / sum(bases) * per, 2) if per and bases and None not in bases and sum(bases) else None
    return {"count": count, "suppressed": False, "rate": rate}


def _rank(table: dict[str, tuple], code: str, measure: str, among: set[str] | None = None) -> dict | None:
    """Position of ``code`` (1 = highest) among the areas whose ``measure`` is published."""
    at = 2 if measure == "rate" else 0
    published = {c: v[at] for c, v in table.items() if v[at] is not None and (among is None or c in among)}
    if code not in published:
        return None
    return {"position": 1 + sum(v > published[code] for v in published.values()), "of": len(published)}


def profile(store: Store, dataset: str, geography: str, area_code: str, category: str = "all") -> dict:
    """The profile of ``area_code``; NotFound naming what exists."""
    entry = store.dataset(dataset)
    page = store.areas(geography, None, 1, 0, area_code=area_code)
    if not page.rows:
        raise NotFound(f"no area '{area_code}' in geography '{geography}'")
    code, name, district_code, district_name, _ = page.rows[0]
    kind = _kind(entry, geography, category)
    chosen = entry[PERIOD_FIELDS[kind]]
    at_district = COUNTY in (entry["publication"] if kind == "month" else entry["publication_years"]).get(category, [])
    per = entry["rate"]["per"] if entry["rate"] else None
    series = []
    for period in chosen:
        _, _, table = store.values(dataset, geography, period, category)
        point = {"period": period, "label": periods.label(period), "area": _point(table.get(code))}
        if at_district:
            _, _, districts = store.values(dataset, COUNTY, period, category)
            point["district"] = _point(districts.get(district_code))
            point["county"] = _county(districts, per)
        series.append(point)
    latest = chosen[-1]
    _, _, table = store.values(dataset, geography, latest, category)
    measure = "rate" if entry["rate"] else "count"
    in_district = {c for c, d in store.districts(geography).items() if d == district_code}
    return {
        "dataset": dataset, "title": entry["title"], "geography": geography, "category": category,
        "release": entry["release"]["id"], "disclosure": entry["disclosure"], "rate": entry["rate"],
        "area": {"code": code, "name": name, "district_code": district_code, "district_name": district_name},
        "kind": kind, "series": series,
        "rank": {"period": latest, "measure": measure,
                 "all": _rank(table, code, measure),
                 "district": _rank(table, code, measure, in_district)},
        "others": _others(store, dataset, geography, code, category),
        "reference": _reference(store, geography, code),
    }


def _others(store: Store, dataset: str, geography: str, code: str, category: str) -> list[dict]:
    """The latest published value of every other dataset for the same area (all categories)."""
    out = []
    for entry in store.catalogue():
        if entry["id"] == dataset or geography not in entry["geographies"]:
            continue
        try:
            _, period, table = store.values(entry["id"], geography, None, "all")
        except NotFound:                     # (not published at this geography for its latest period)
            continue
        out.append({"dataset": entry["id"], "title": entry["title"], "period": period,
                    "units": entry["units"], **_point(table.get(code))})
    return out


def _reference(store: Store, geography: str, code: str) -> list[dict]:
    """Every reference indicator loaded for this geography, for the area (e.g. its IMD rank)."""
    out = []
    for entry in reference.entries(store.conn):
        if geography not in entry["geographies"]:
            continue
        for indicator in entry["indicators"]:
            try:
                _, chosen, vals = reference.values(store.conn, entry["id"], geography, indicator["id"])
            except LookupError:
                break
            out.append({"dataset": entry["id"], "title": entry["title"], "indicator": chosen["id"],
                        "label": chosen["label"], "direction": chosen["direction"], "value": vals.get(code)})
    return out
