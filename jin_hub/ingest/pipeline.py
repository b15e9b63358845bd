"""One ingest run: cleanse an extract, aggregate to area × period × category (months, and the
multi-month periods of ``jin_hub.periods`` where the release policy allows them), apply disclosure
control and publish the result as a new immutable release.

The release is written beside the current one. Its records go first, under a release marked
building that no reader is shown, and are committed while its cells are still being protected;
then its cells go in and the dataset's pointer moves in one transaction, so readers see the old
release or the new one, never a mixture. A building release left by an ingest that failed or
died is discarded, at once or by the next ingest of the dataset. Re-ingesting a file already
published (same content hash) changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np
import pandas as pd

from jin_hub import backends, db, nesting, periods
from jin_hub.backends import Connection
from jin_hub.geography import AreaIndex, save_grid
from jin_hub.ingest import intervals, partition, quality, reader
from jin_hub.ingest.cellkey import MAX_NOISE, perturb
from jin_hub.ingest.cleanse import Cleansed, cleanse, reason_counts
from jin_hub.ingest.disclosure import Problem, margins, rule_text
from jin_hub.ingest.placement import OUTSIDE, UNKNOWN_CODE
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import ExtractError
from jin_hub.ingest.registry import get_schema
from jin_hub.ingest.schemas import DatasetSchema, ReleasePolicy
from jin_hub.ingest.sources import Source, gather
from jin_hub.ingest.worker import Worker, WorkerFailed, worth_a_worker
from jin_hub.vintages import Converter

#: Where a worker finds the suppression it runs for a big extract, and what it imports early (the
#: audit imports scipy only when it first runs, which in the worker would be on the critical path).
PROTECT = "jin_hub.ingest.disclosure:protect"
HELPER_MODULES = ("jin_hub.ingest.background_keys", "jin_hub.ingest.disclosure", "scipy.sparse.linalg",
                  "scipy.sparse.csgraph")
log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    """What an ingest did, for the CLI and tests."""

    release_id: str
    created: bool                 # False when the same file was already published
    report: dict


def file_sha256(path: Path) -> str:
    """Content hash of an extract, the key that makes re-ingest idempotent."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def published_release(conn: Connection, dataset: str, sha: str, cutoff: str | None = None
                      ) -> Optional[IngestResult]:
    """The latest release already made from the file with this content hash and declared cut-off
    (None: inferred), if any."""
    for rid, report in conn.execute("SELECT id, report FROM releases WHERE dataset = ? AND source_sha256 = ? "
                                    "AND status = 'complete' ORDER BY no DESC", (dataset, sha)):
        if json.loads(report).get("cutoff_declared") == cutoff:
            return IngestResult(rid, False, json.loads(report))
    return None


def _count(area: pd.Categorical, period: pd.Categorical, category: pd.Categorical) -> pd.DataFrame:
    """Records per area × period × category, plus an ``all`` row per area × period, in code order:
    one ``bincount`` over the combined codes rather than grouping a million rows."""
    n_period, n_category = len(period.categories), len(category.categories)
    cell = (area.codes.astype(np.int64) * n_period + period.codes) * n_category + category.codes
    counts = np.bincount(cell, minlength=len(area.categories) * n_period * n_category)
    totals = counts.reshape(-1, n_category).sum(axis=1)
    found, found_total = np.flatnonzero(counts), np.flatnonzero(totals)
    at, which = np.divmod(found, n_category)
    return pd.concat([
        pd.DataFrame({"area_code": area.categories[at // n_period], "period": period.categories[at % n_period],
                      "category": category.categories[which], "count": counts[found]}),
        pd.DataFrame({"area_code": area.categories[found_total // n_period],
                      "period": period.categories[found_total % n_period], "category": "all",
                      "count": totals[found_total]}),
    ], ignore_index=True)


def aggregate(accepted: pd.DataFrame, levels: dict[str, dict[str, str] | None], covering: pd.DataFrame
              ) -> pd.DataFrame:
    """Counts by geography × area × period × category, plus an ``all`` row per area × period.

    ``levels``: geography -> {finest area code: that geography's code}; None for the finest itself.
    Periods are months, plus the multi-month periods of ``covering`` (``periods.cover``), each the
    sum of its months' counts (cheaper than counting the records again). Each column is factorised
    once, so counting at every level groups small integers, not a million strings.
    """
    area, period, category = (pd.Categorical(accepted[c]) for c in ("area_code", "period", "category"))
    out = []
    for geography, lookup in levels.items():
        months = _count(area if lookup is None else nesting.roll_up(area, lookup), period, category).astype(
            {"area_code": str, "period": str, "category": str})
        multi = periods.spread(months, covering).groupby(["area_code", "period", "category"], sort=True)[
            "count"].sum().reset_index()
        out.append(pd.concat([months, multi], ignore_index=True).assign(geography=geography))
    return pd.concat(out, ignore_index=True)


def counted_in_months(accepted: pd.DataFrame) -> int:
    """Accepted records dated by month (the report's ``counted``: what the monthly cells add up to
    before disclosure control), counted over each distinct period, not each record."""
    period = pd.Categorical(accepted["period"])
    monthly = periods.kinds(pd.Series(period.categories)) == "month"
    return int(np.bincount(period.codes[period.codes >= 0], minlength=len(monthly))[monthly].sum())


def allowed(cells: pd.DataFrame, policy: ReleasePolicy, kinds: np.ndarray | None = None) -> np.ndarray:
    """Which cells the release policy lets out: each category from its finest geography up (by
    month, or by multi-month period, where a longer period allows a finer geography). ``kinds``
    gives the cells' period kinds when known."""
    rank = {g: nesting.rank(g) for g in nesting.GEOGRAPHIES}      # by level: lsoa ranks as lsoa21
    cats = cells["category"].unique()
    by_month = cells["category"].map({c: rank[policy.finest_for(c)] for c in cats}).to_numpy(int)
    by_multi = cells["category"].map({c: rank[policy.finest_for(c, year=True)] for c in cats}).to_numpy(int)
    kinds = periods.kinds(cells["period"]) if kinds is None else kinds
    finest = np.where(kinds == "month", by_month, by_multi)
    return cells["geography"].map(rank).to_numpy() >= finest


def multi_month(accepted: pd.DataFrame, policy: ReleasePolicy) -> tuple[pd.DataFrame, dict[str, str]]:
    """(how months add up to the multi-month periods to compute, {twin: the period it copies}).

    Empty unless the policy publishes multi-month periods; a rolling 12 months that is exactly a
    calendar or financial year is not computed but copied from it (``periods.twins``).
    """
    codes = periods.multi_month(accepted["period"].unique()) if policy.years else []
    twins = periods.twins(codes)
    return periods.cover(c for c in codes if c not in twins), twins


def with_twins(cells: pd.DataFrame, twins: dict[str, str]) -> pd.DataFrame:
    """``cells`` plus a copy of each twinned period's cells under the twin's code."""
    copies = [cells[cells["period"] == source].assign(period=twin) for twin, source in twins.items()]
    return pd.concat([cells, *copies], ignore_index=True)


def secured(cells: pd.DataFrame, pairs: dict[tuple[str, str], dict[str, str]], policy: ReleasePolicy,
            categories: list[str], earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """``secured_whole`` of each group of top-level areas in turn (``partition``): their margins
    are apart, and a national release solved whole would not fit in memory."""
    return pd.concat([secured_whole(cells[mine].reset_index(drop=True), theirs_pairs, policy, categories, theirs)
                      for mine, theirs_pairs, theirs in partition.groups(cells, pairs, earlier)], ignore_index=True)


def secured_whole(cells: pd.DataFrame, pairs: dict[tuple[str, str], dict[str, str]], policy: ReleasePolicy,
                  categories: list[str], earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published part of perturbed ``cells`` (``cellkey.perturb``), with the further cells
    withheld that keep every withheld or policy-hidden count inside its protection interval
    (``intervals.secure``) against an attacker who uses every margin, and every cell an earlier
    release published (``earlier``: the periods of ``cells`` this release no longer publishes)."""
    fixed = np.zeros(len(cells), dtype=bool)
    if earlier is not None and len(earlier):
        cells, fixed = _with_earlier(cells, earlier)
    absent = zeros(cells, pairs, policy, categories)
    fixed = np.r_[fixed, np.zeros(len(absent), dtype=bool)]
    n_present = len(cells)
    cells = pd.concat([cells, absent], ignore_index=True)
    ok = allowed(cells, policy)
    m = margins(cells, pairs)
    withheld = intervals.secure(cells["true"].to_numpy(np.int64), cells["count"].to_numpy(float, na_value=np.nan),
                                cells["suppressed"].to_numpy() & ok, ~ok, m, MAX_NOISE, fixed)
    cells = cells.assign(suppressed=withheld)
    cells.loc[withheld, "count"] = pd.NA
    out = ok & ~fixed
    out[n_present:] = False                     # zeros stay implicit: no row is a true zero
    return cells[out].drop(columns="true").reset_index(drop=True)


def zeros(cells: pd.DataFrame, pairs: dict[tuple[str, str], dict[str, str]], policy: ReleasePolicy,
          categories: list[str]) -> pd.DataFrame:
    """Every true zero (no cell in ``cells``) of every geography, period and category, as the
    attacker sees it: a published zero is known exactly (and so, say, a published zero year of an
    area's total makes each of its hidden categories known too), a zero the policy hides is an
    unknown of at least 0, bounded only by the margins it belongs to, as a hidden count is.

    Every (geography, area, period, category) is coded as one integer, so finding the absent
    ones is one ``isin`` of integers, not of a million tuples of strings."""
    areas: dict[str, set[str]] = {}
    for (child, parent), lookup in pairs.items():
        areas.setdefault(child, set()).update(lookup)
        areas.setdefault(parent, set()).update(lookup.values())
    geographies = list(cells["geography"].unique())
    all_periods = pd.Index(cells["period"].unique())
    kinds = periods.kinds(pd.Series(all_periods))
    every = [*categories, "all"]
    codes = {g: np.array(sorted(areas.get(g, set(cells.loc[cells["geography"] == g, "area_code"]))), dtype=object)
             for g in geographies}
    offset = dict(zip(geographies, np.cumsum([0] + [len(codes[g]) for g in geographies])[:-1]))
    n_areas, n_periods, n_cats = sum(len(c) for c in codes.values()), len(all_periods), len(every)
    probe = pd.MultiIndex.from_product([geographies, np.unique(kinds), every],
                                       names=["geography", "period", "category"]).to_frame(index=False)
    published = dict(zip(zip(probe["geography"], probe["period"], probe["category"]),
                         allowed(probe, policy, kinds=probe["period"].to_numpy())))
    blocks = []                         # (geography, area numbers, period numbers, category number, shown)
    for geography in geographies:
        mine = offset[geography] + np.arange(len(codes[geography]))
        for kind in np.unique(kinds):
            spans = np.flatnonzero(kinds == kind)
            for c, category in enumerate(every):
                blocks.append((np.repeat(mine, len(spans)), np.tile(spans, len(mine)), c,
                               published[(geography, kind, category)]))
    area = np.concatenate([b[0] for b in blocks])
    period = np.concatenate([b[1] for b in blocks])
    category = np.concatenate([np.full(len(b[0]), b[2]) for b in blocks])
    shown = np.concatenate([np.full(len(b[0]), b[3]) for b in blocks])
    number = {(g, a): offset[g] + i for g in geographies for i, a in enumerate(codes[g])}
    present_area = np.array([number.get(k, -1) for k in zip(cells["geography"], cells["area_code"])], dtype=np.int64)
    present = (present_area * n_periods + all_periods.get_indexer(cells["period"])) * n_cats + pd.Index(
        every).get_indexer(cells["category"])
    absent = ~np.isin((area.astype(np.int64) * n_periods + period) * n_cats + category, present[present_area >= 0])
    area, period, category, shown = area[absent], period[absent], category[absent], shown[absent]
    names = np.concatenate([np.array([g] * len(codes[g]), dtype=object) for g in geographies]) if n_areas else \
        np.array([], dtype=object)
    every_code = np.concatenate([codes[g] for g in geographies]) if n_areas else np.array([], dtype=object)
    count = pd.array(np.zeros(len(area), dtype=np.int64), dtype="Int64")
    count[~shown] = pd.NA
    return pd.DataFrame({"geography": names[area], "area_code": every_code[area],
                         "period": np.asarray(all_periods, dtype=object)[period],
                         "category": np.array(every, dtype=object)[category], "count": count,
                         "true": 0, "suppressed": False})


def _with_earlier(cells: pd.DataFrame, earlier: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """``cells`` with the cells of the earlier release's periods set as that release published
    them, and which those are. A cell it did not publish, or whose count has since moved by more
    than the noise (records added late), is left out: an attacker's equations for it no longer
    hold, so it cannot narrow anything."""
    key = ["geography", "area_code", "period", "category"]
    old = cells["period"].isin(set(earlier["period"])).to_numpy()
    then = earlier.set_index(key).reindex(pd.MultiIndex.from_frame(cells.loc[old, key]))
    value = then["count"].to_numpy(float, na_value=np.nan)
    withheld = then["suppressed"].fillna(0).to_numpy(bool)
    true = cells.loc[old, "true"].to_numpy(float)
    same = then["suppressed"].notna().to_numpy() & (withheld | (np.abs(value - true) <= MAX_NOISE))
    keep = ~old
    keep[np.flatnonzero(old)[same]] = True
    rows = np.flatnonzero(old)[same]
    count = cells["count"].to_numpy(float, na_value=np.nan)
    count[rows] = np.where(withheld[same], np.nan, value[same])
    suppressed = cells["suppressed"].to_numpy(bool).copy()
    suppressed[rows] = withheld[same]
    cells = cells.assign(count=pd.array(count, dtype="Float64").astype("Int64"), suppressed=suppressed)
    fixed = old[keep]
    return cells[keep].reset_index(drop=True), fixed


def earlier_cells(conn: Connection, dataset: str, months: set[str], now: set[str]) -> pd.DataFrame:
    """The multi-month cells the dataset's current release published for periods that the new
    release, covering ``months`` and publishing the periods ``now``, no longer publishes but
    still holds every month of (the rolling 12 months to an earlier month): anything once
    published stays public, so the new release must be safe beside them."""
    found = conn.execute("SELECT current_release FROM datasets WHERE id = ?", (dataset,)).fetchone()
    if not found:
        return pd.DataFrame(columns=["geography", "area_code", "period", "category", "count", "suppressed"])
    cells = conn.frame("SELECT geography, area_code, period, category, count, suppressed FROM aggregates "
                       "WHERE release_id = ? AND length(period) > 7", (found[0],))
    gone = [p for p in cells["period"].unique()
            if p not in now and periods.kind(p) != "month" and set(periods.months(p)) <= months]
    return cells[cells["period"].isin(gone)].reset_index(drop=True)


def disclose(accepted: pd.DataFrame, levels: dict[str, dict[str, str] | None],
             pairs: dict[tuple[str, str], dict[str, str]], policy: ReleasePolicy, threshold: int,
             secret: bytes, covering: pd.DataFrame, categories: list[str], helper: Optional[Worker] = None,
             earlier: pd.DataFrame | None = None, keys: np.ndarray | None = None) -> Callable[[], pd.DataFrame]:
    """Apply the dataset's disclosure control method to the cells its policy allows; returns a
    function giving the protected cells, which needs ``accepted`` no more: the records are written
    and let go while it runs. Suppression is handed to ``helper`` (a worker process) if there is
    one. Cell-key noise is added now and made safe (beside ``earlier``, ``earlier_cells``) when the
    function is called; ``keys`` are the records' cell-key record keys, if not in ``accepted``."""
    if policy.method == "cell_key":
        before = periods.cover(earlier["period"].unique()) if earlier is not None else covering.iloc[:0]
        cells = perturb(accepted, levels, secret, threshold, pd.concat([covering, before], ignore_index=True), keys)
        return lambda: secured(cells, pairs, policy, categories, earlier)
    counted = aggregate(accepted, levels, covering)
    ok = allowed(counted, policy)
    # At a geography where no category is published, the unpublished cells form fully unknown
    # tables (areas × categories, two or more of each) that only restate totals published above:
    # they can never be solved for, so they are left out of the protection problem entirely. (Its
    # months are unknown too: what overlapping longer periods give away there spans 12k months.)
    open_levels = set(counted.loc[ok & (counted["category"] != "all").to_numpy(), "geography"].unique())
    modelled = ok | counted["geography"].isin(open_levels).to_numpy()
    problem = Problem.of(counted[modelled], threshold, pairs, ~ok[modelled])
    if helper is None:
        done = problem.solve()
        return lambda: done
    running = helper.run(PROTECT, *problem.arguments())       # set up here, solved there

    def protected() -> pd.DataFrame:
        try:
            return problem.published(running.result())
        except WorkerFailed as exc:
            log.warning("suppressing in-process: the worker failed (%s)", exc)
            return problem.solve()
    return protected


RECORD_KEYS = ("record_key", "person_key", "caller_key", "address_key")
#: The status of a release whose records are written and whose cells are not yet: readers are
#: shown only complete releases.
BUILDING = "building"


def record_rows(release_no: int, accepted: pd.DataFrame, keys: dict[str, list]) -> db.Rows:
    """The ``records`` rows of ``accepted`` (a part of a release's, ``keys`` its pseudonyms): id
    (release no, line), month, category, area at the finest geography and each pseudonym."""
    rows = db.Rows("records", ["id", "period", "category", "area_code", *keys], len(accepted))
    rows.fill("id", ((np.int64(release_no) << 32) + accepted["source_line"].to_numpy(np.int64)).tolist())
    for column in ("period", "category", "area_code"):
        rows.fill(column, accepted[column].tolist())
    for key, values in keys.items():
        rows.fill(key, values)
    return rows


def write_quarantine(conn: Connection, release_id: str, quarantined: pd.DataFrame) -> None:
    """Insert a release's quarantine: source line and reason of each row not accepted."""
    db.insert_columns(conn, "quarantine", ["release_id", "source_line", "reason"], [
        [release_id] * len(quarantined), quarantined["source_line"].astype(int).tolist(),
        quarantined["reason"].tolist()])


def start_release(conn: Connection, release: tuple, geography: str) -> int:
    """Add ``release`` (id, dataset, created, source name, sha256), its records placed in
    ``geography``, as building under the next release number, which it returns (inside the
    caller's transaction, which holds the write lock). A building release of the same dataset
    that an ingest left when it died goes first."""
    discard_building(conn, release[1])
    (no,) = conn.execute("SELECT coalesce(max(no), 0) + 1 FROM releases").fetchone()
    conn.execute("INSERT INTO releases VALUES (?,?,?,?,?,?,?,?,?)", (*release, BUILDING, "{}", no, geography))
    return no


def discard_building(conn: Connection, dataset: str, release_id: str | None = None) -> None:
    """Delete ``dataset``'s building releases (or only ``release_id``) with their records and
    quarantine (inside the caller's transaction)."""
    found = conn.execute("SELECT id, no FROM releases WHERE dataset = ? AND status = ? AND id = coalesce(?, id)",
                         (dataset, BUILDING, release_id)).fetchall()
    for rid, no in found:
        conn.execute("DELETE FROM records WHERE id >= ? AND id < ?", (no << 32, (no + 1) << 32))
        conn.execute("DELETE FROM quarantine WHERE release_id = ?", (rid,))
        conn.execute("DELETE FROM releases WHERE id = ?", (rid,))


def publish(conn: Connection, release_id: str, dataset: str, protected: Callable[[], pd.DataFrame],
            twins: dict[str, str], report: dict) -> dict:
    """Complete the building release ``release_id`` with its protected cells (``disclose``'s
    function, waited for here) and ``report`` plus what the cells add; return the report. If
    anything fails, the building release is discarded (else the next ingest of ``dataset``
    discards it)."""
    try:
        cells = with_twins(protected(), twins)
        report |= {"periods": sorted(cells["period"].unique().tolist(), key=periods.order),
                   "cells": len(cells), "cells_suppressed": int(cells["suppressed"].sum()),
                   "quality_flags": quality.release_flags(cells)}
        with conn:
            conn.begin_write()
            write_release(conn, release_id, dataset, report, cells)
        return report
    except BaseException:
        with contextlib.suppress(*backends.errors()), conn:
            conn.begin_write()
            discard_building(conn, dataset, release_id)
        raise


def write_release(conn: Connection, release_id: str, dataset: str, report: dict, cells: pd.DataFrame) -> None:
    """Complete the building release ``release_id``: its report and published cells, and make it
    its dataset's current one (inside the caller's transaction)."""
    done = conn.execute("UPDATE releases SET status = 'complete', report = ? WHERE id = ? AND status = ?",
                        (json.dumps(report), release_id, BUILDING)).rowcount
    if done != 1:
        raise RuntimeError(f"release {release_id} was discarded: another ingest of {dataset} started meanwhile. "
                           "Ingest the file again once it has finished.")
    key = ["geography", "period", "category", "area_code"]
    cells = cells.sort_values(key, ignore_index=True)   # in key order: appended, not spliced into the index
    for start in range(0, len(cells), reader.CHUNK_ROWS):          # a part at a time: rows as lists are big
        part = cells.iloc[start:start + reader.CHUNK_ROWS]
        counts = np.array(part["count"].fillna(0).astype(np.int64).tolist(), dtype=object)
        counts[part["count"].isna().to_numpy()] = None             # withheld: NULL, never a number
        db.insert_columns(conn, "aggregates", ["release_id", *key, "count", "suppressed"], [
            [release_id] * len(part), *(part[c].tolist() for c in key), counts.tolist(),
            part["suppressed"].astype(int).tolist()])
    conn.execute("INSERT INTO datasets VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET "
                 "current_release = excluded.current_release", (dataset, release_id))


#: Quarantine reasons of rows outside the hub's areas; a file made mostly of them is another
#: force's or council's file, and is refused rather than quarantined row by row.
ELSEWHERE = (OUTSIDE, UNKNOWN_CODE, "area code outside the hub's areas")
#: The share of a file's rows outside the hub's areas from which it is refused.
ELSEWHERE_SHARE = 0.5


def family_of(conn: Connection, policy: ReleasePolicy) -> str:
    """The census family a release is published on: the policy's, else 2021 areas where loaded
    (JiN's data are from 2021 on), else 2011."""
    if policy.family:
        return policy.family
    loaded = {g for (g,) in conn.execute("SELECT geography FROM geographies")}
    return "2021" if loaded & set(nesting.FAMILIES["2021"]) - {"district"} else "2011"


def placed_in(conn: Connection, schema: DatasetSchema, family: str) -> str:
    """The geography rows are placed in: the family's finest, or its LSOAs when rows are placed
    by their LSOA code."""
    if not schema.area_column:
        return nesting.finest(conn, family)
    lsoa = "lsoa21" if family == "2021" else "lsoa"
    if not conn.execute("SELECT 1 FROM geographies WHERE geography = ?", (lsoa,)).fetchone():
        raise LookupError(f"dataset {schema.id} places rows by LSOA code, but no '{lsoa}' boundaries are loaded: "
                          f"run jin-hub load-boundaries FILE --geography {lsoa} first")
    return lsoa


#: How far outside every area its code allows a row's point may lie and still choose among them
#: (the nearest): the code already says the row is in one of a few areas, and the hub's generalised
#: boundaries lie up to ~140 m from the full-resolution ones police.uk placed points with.
CANDIDATE_METRES = 250.0


def converter_for(conn: Connection, schema: DatasetSchema, base: str) -> Optional[Converter]:
    """The LSOA 2011 ↔ 2021 converter for rows placed by code, if the lookup is loaded."""
    if not schema.area_column:
        return None
    try:
        return Converter.from_db(conn, base, snap=CANDIDATE_METRES)
    except LookupError:
        return None


def per_file(source: Source, result: Cleansed) -> dict:
    """Rows in, accepted, quarantined (by reason) and another dataset's, per source file: each
    file reconciles on its own."""
    lines = {"accepted": result.accepted["source_line"].to_numpy(), "quarantined":
             result.quarantined["source_line"].to_numpy(), "filtered_out": result.other_lines}
    which = {k: source.file_of(v) for k, v in lines.items()}
    out = {}
    for i, path in enumerate(source.files):
        mine = which["quarantined"] == i
        counts = {k: int((v == i).sum()) for k, v in which.items()}
        out[path.name] = {"rows": sum(counts.values()), **counts,
                          "quarantine_reasons": reason_counts(result.quarantined["reason"][mine])}
    return out


def refuse_foreign(files: dict) -> None:
    """ExtractError if a file's rows lie mostly outside the hub's areas (another force's file)."""
    for name, counts in files.items():
        away = sum(n for why, n in counts["quarantine_reasons"].items() if why.startswith(ELSEWHERE))
        own = counts["rows"] - counts["filtered_out"]
        if own and away > ELSEWHERE_SHARE * own:
            raise ExtractError(f"{name}: {away:,} of its {counts['rows']:,} rows lie outside the hub's areas. Is it "
                               "another force's or council's file? Nothing was published; ingest only files for the "
                               "hub's areas")


def ingest(conn: Connection, dataset: str, path: Union[Path, Sequence[Path]], secret: bytes,
           threshold: int | None = None, notes: str = "", cutoff: str | None = None,
           policy: ReleasePolicy | None = None) -> IngestResult:
    """Ingest ``path`` as ``dataset``; publish a new release unless this exact file already was
    (with the same declared cut-off). ``path`` may be several files, or folders of them
    (``sources``): they are ingested together, as one release.

    ``threshold`` overrides the release policy's (suppression: counts below it are withheld);
    ``notes`` are the admin's release notes, published in the catalogue; ``cutoff`` (YYYY-MM) is
    the last month the extract fully covers (default: its latest complete month, see ``cleanse``).
    ``policy`` replaces the dataset's release policy (to compare disclosure methods on one extract).
    """
    schema = get_schema(dataset, conn)
    policy = schema.policy if policy is None else policy
    threshold = policy.threshold if threshold is None else threshold
    source = gather([path] if isinstance(path, (str, Path)) else path, schema.files, conn.staging())
    helper, result = None, None
    try:
        family = family_of(conn, policy)
        base = placed_in(conn, schema, family)
        helper = Worker.start(*HELPER_MODULES) if worth_a_worker(source.path) else None  # keys, then suppression
        # the worker starts up while the file is hashed
        sha = file_sha256(source.path)
        done = published_release(conn, dataset, sha, cutoff)
        if done:
            return done
        areas = AreaIndex.from_db(conn, base)
        result = cleanse(source.path, schema, areas, Pseudonymiser(secret), wait=False, worker=helper, cutoff=cutoff,
                         converter=converter_for(conn, schema, base))
        files = per_file(source, result)
        refuse_foreign(files)
        pairs = nesting.nested_maps(conn, family)   # only geographies nested in the finest one are published
        rollups = {parent: lookup for (child, parent), lookup in pairs.items() if child == base}
        levels = {base: None, **rollups}
        covering, twins = multi_month(result.accepted, policy)
        published = [base, *rollups]
        if policy.method == "cell_key":         # cell keys come from the records' pseudonyms
            result.hold_keys()
        months = set(result.accepted["period"].unique())
        earlier = earlier_cells(conn, dataset, months, months | set(covering["period"]) | set(twins))
        protected = disclose(result.accepted, levels,
                             {k: v for k, v in pairs.items() if k[0] in published and k[1] in published},
                             policy, threshold, secret, covering, list(schema.categories), helper, earlier,
                             result.record_keys())
        now = datetime.now(timezone.utc)
        release_id = f"{dataset}-{now:%Y%m%dT%H%M%S%f}"
        keys = [k for k in RECORD_KEYS if k in schema.pseudonyms]
        release = (release_id, dataset, now.isoformat(timespec="seconds"), source.name, sha)
        summary = result.report() | {"counted": counted_in_months(result.accepted)}
        with conn.checkpointer() as checkpoint:
            with conn:                                 # the records first, under a release no reader is shown
                conn.begin_write()                     # the write lock now: release numbers stay unique
                release_no = start_release(conn, release, base)
                write_quarantine(conn, release_id, result.quarantined)
                if areas.grid_unsaved:                 # boundaries loaded before grids were kept
                    save_grid(conn, base, areas)
                for start, stop, part in result.key_parts(keys):      # each part as soon as it is keyed
                    record_rows(release_no, result.accepted.iloc[start:stop], part).insert(conn)
            result.let_go()                            # (memory the protection of a national release needs)
            checkpoint.start()                         # written to the database file meanwhile
            report = publish(conn, release_id, dataset, protected, twins, summary | {
                "dataset": dataset, "source": source.name, "sha256": sha, "geography": base, "notes": notes,
                "family": family, **({"files": files} if len(source.files) > 1 else {}),
                "geographies": published, "method": policy.method, "threshold": threshold,
                "max_noise": MAX_NOISE if policy.method == "cell_key" else 0,
                "protection": intervals.PROTECTION if policy.method == "cell_key" else None,
                "earlier_cells": len(earlier),
                "disclosure_rule": rule_text(policy, threshold, MAX_NOISE)})
    finally:
        if result is not None:
            result.close()
        if helper is not None:
            helper.close()
        source.close()
    return IngestResult(release_id, True, report)

