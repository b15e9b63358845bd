"""Read side of the hub database: what the API publishes, and nothing else.

Only the current release of each dataset is ever read, and only aggregates (already through
disclosure control) and boundaries leave through here.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass

from jin_hub import db, periods
from jin_hub.backends import Connection, Locator
from jin_hub.ingest.registry import schemas
from jin_hub.memo import Memo
from jin_hub.nesting import GEOGRAPHIES, rank, sort_key

#: What serving keeps in memory by default (``jin-hub serve --cache-mb``): half for value tables, a
#: quarter each for the areas of whole geographies and for encoded replies. For the 34,753 LSOAs
#: of England and Wales a table is about 8 MB, the areas 11 MB, a values reply 2.5 MB encoded.
CACHE_BYTES = 256 << 20
TABLE_ROW_BYTES = 220       # a table's size per area, about (a dict entry, its code and a tuple)
AREA_ROW_BYTES = 250        # an area's row besides its geometry, about
#: Catalogue field listing each kind of period.
PERIOD_FIELDS = {"month": "periods", "year": "years", "fy": "financial_years", "rolling": "rolling"}


class NotFound(LookupError):
    """A dataset, geography, period, category or area the hub does not publish."""


@dataclass(frozen=True)
class Page:
    """A page of areas for OGC items."""

    number_matched: int
    rows: list[tuple]       # (area_code, area_name, district_code, district_name, geojson)


#: Columns of the record-level table a granted partner receives (never the partner's line number).
RECORD_FIELDS = ("period", "category", "oa_code", "lsoa_code", "msoa_code", "ward_code", "district_code",
                 "lsoa21_code", "msoa21_code", "ward21_code", "record_key", "person_key", "caller_key", "address_key")
#: The largest source line a record id holds (ids are release no × 2^32 + line).
LINES = (1 << 32) - 1


def _by_kind(codes: list[str]) -> dict[str, list[str]]:
    """{kind: its codes in date order} for every kind of ``periods.KINDS`` (empty when none)."""
    out: dict[str, list[str]] = {k: [] for k in periods.KINDS}
    for code in sorted(codes, key=periods.order):
        out[periods.kind(code)].append(code)
    return out


def _release_notes(report: dict) -> str:
    """The admin's notes for a release, then what the hub measured about it."""
    months = _by_kind(report["periods"])["month"]
    measured = (f"{report['accepted']:,} records accepted and {report['quarantined']:,} quarantined from "
                f"{report['source']}; periods {months[0]} to {months[-1]}; {report['cells']:,} cells published, "
                f"{report['cells_suppressed']:,} withheld." if months else "No records.")
    return f"{report['notes'].strip()} {measured}" if report.get("notes") else measured


def _counted(schema) -> str:
    """What a rate's denominator counts, for its label."""
    return schema.unit if schema.denominator == "all" else schema.rate_label or schema.denominator


def _period_lists(codes: list[str], schema) -> dict:
    """Catalogue fields of a release's periods: months, calendar years, financial years, rolling 12
    months, and readable labels (the schema's for months where it names them, e.g. school terms;
    the hub's for financial years and rolling 12 months)."""
    kinds = _by_kind(codes)
    labels = {p: schema.period_label(p) for p in kinds["month"]} if schema.period_label else {}
    labels |= {p: periods.label(p) for p in kinds["fy"] + kinds["rolling"]}
    return {"periods": kinds["month"], "years": kinds["year"], "financial_years": kinds["fy"],
            "rolling": kinds["rolling"], "period_labels": labels}


def _available(entry: dict) -> str:
    """The periods of a catalogue entry in words, for error messages."""
    months = entry["periods"]
    parts = [f"months {months[0]} to {months[-1]}"] if months else []
    parts += [f"{periods.NAMES[kind]} {', '.join(entry[field])}" for kind, field in PERIOD_FIELDS.items()
              if kind != "month" and entry[field]]
    return f"available: {'; '.join(parts) or 'none'}"


class Store:
    """Thread-safe reader over the hub database (one SQLite connection per thread)."""

    def __init__(self, path: Locator, cache_bytes: int = CACHE_BYTES):
        self.path = path
        db.open_readonly(self.path).close()       # fail fast with a clear message (never an empty hub) ...
        db.connect(self.path).close()             # ... then bring one made by an earlier JiN up to date
        self._local = threading.local()
        self._catalogue: tuple[int | None, list[dict]] = (-1, [])
        self._gzipped: dict[tuple[str, str], bytes] = {}     # (geography, etag) -> compressed boundaries
        self._gzip_lock = threading.Lock()
        #: recent value tables (shared, read-only): OGC API clients page through one table many times
        self._values: Memo[dict] = Memo(cache_bytes // 2, lambda table: len(table) * TABLE_ROW_BYTES)
        #: every area of a geography, in code order, for pages of the whole geography
        self._areas: Memo[list] = Memo(cache_bytes // 4, lambda rows: sum(len(r[4]) + AREA_ROW_BYTES for r in rows))
        #: encoded replies (``jin_hub.api.replies``), keyed by ``version()`` and what they show
        self.replies: Memo = Memo(cache_bytes // 4, lambda reply: reply.size)

    @property
    def conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.broken:                 # (a restarted PostgreSQL server: connect again)
            conn = self._local.conn = db.open_readonly(self.path)
        return conn

    # ---- catalogue -------------------------------------------------------------------------
    def geographies(self) -> dict[str, dict]:
        """Loaded geographies: id -> title, number of areas, etag."""
        rows = self.conn.execute("SELECT geography, title, n_areas, etag FROM geographies ORDER BY geography")
        return {g: {"title": t, "areas": n, "etag": e} for g, t, n, e in rows}

    def version(self) -> int | None:
        """What the catalogue and cached replies depend on (current releases, boundaries,
        denominators, dataset definitions), as the count of changes to them: one read."""
        row = self.conn.execute("SELECT version FROM hub_changes").fetchone()
        return row and row[0]

    def catalogue(self) -> list[dict]:
        """One entry per published dataset (shared, read-only), rebuilt only when a release or the
        boundaries change."""
        state = self.version()
        cached_state, entries = self._catalogue
        if cached_state != state:
            entries = self._build_catalogue()
            self._catalogue = (state, entries)
        return entries

    def _build_catalogue(self) -> list[dict]:
        out = []
        rows = self.conn.execute(
            "SELECT d.id, r.id, r.created, r.report FROM datasets d JOIN releases r "
            "ON r.id = d.current_release ORDER BY d.id").fetchall()
        known = schemas(self.conn)
        for dataset, release_id, created, report_json in rows:
            schema = known.get(dataset)
            if schema is None:
                continue
            report = json.loads(report_json)
            geos = sorted((g for (g,) in self.conn.execute(
                "SELECT DISTINCT geography FROM aggregates WHERE release_id = ?", (release_id,))),
                key=sort_key)
            categories = ["all", *schema.categories]
            has_base = schema.denominator == "all" or self.conn.execute(
                "SELECT 1 FROM denominators WHERE measure = ? LIMIT 1", (schema.denominator,)).fetchone()
            policy = schema.policy
            out.append({
                "id": dataset, "title": schema.title, "description": schema.description,
                "theme": schema.theme, "partner": schema.partner, "keywords": list(schema.keywords),
                "measures": ["count", "rate"] if has_base else ["count"], "units": schema.unit,
                "rate": {"per": schema.rate_per, "denominator": schema.denominator,
                         "label": f"per {schema.rate_per:,} {_counted(schema)}"}
                if has_base else None,
                "categories": categories,
                **_period_lists(report["periods"], schema),
                "geographies": geos,
                "publication": {c: [g for g in geos if rank(g) >= rank(policy.finest_for(c))]
                                for c in categories},
                "publication_years": {c: [g for g in geos if rank(g) >= rank(
                    policy.finest_for(c, year=True))] for c in categories} if policy.years else {},
                "disclosure": {"method": report.get("method", "suppression"), "threshold": report["threshold"],
                               "rule": report["disclosure_rule"], "max_noise": report.get("max_noise", 0),
                               "protection": report.get("protection")},
                "licence": schema.licence, "attribution": schema.attribution,
                "release": {"id": release_id, "created": created, "source": report["source"],
                            "accepted_rows": report["accepted"], "quarantined_rows": report["quarantined"],
                            "notes": _release_notes(report),
                            "quality_flags": report.get("quality_flags", [])},   # older releases: none
            })
        return out

    def dataset(self, dataset: str) -> dict:
        """The catalogue entry of ``dataset`` or NotFound naming the published ones."""
        entries = {d["id"]: d for d in self.catalogue()}
        if dataset not in entries:
            raise NotFound(f"no dataset '{dataset}'; published datasets: {', '.join(entries) or 'none'}")
        return entries[dataset]

    # ---- geometry --------------------------------------------------------------------------
    def boundaries(self, geography: str) -> tuple[str, bytes]:
        """(etag, prebuilt EPSG:27700 FeatureCollection) of a geography."""
        row = self.conn.execute("SELECT etag, body_bng FROM geographies WHERE geography = ?",
                                (geography,)).fetchone()
        if row is None:
            raise self._no_boundaries(geography)
        return row[0], bytes(row[1])

    def _no_boundaries(self, geography: str) -> NotFound:
        return NotFound(f"no boundaries for geography '{geography}'; loaded: {', '.join(self.geographies()) or 'none'}")

    def geography(self, geography: str) -> dict:
        """A loaded geography's title, number of areas and etag (NotFound naming those loaded)."""
        known = self.geographies().get(geography)
        if known is None:
            raise self._no_boundaries(geography)
        return known

    def shapes(self, geography: str) -> tuple[str, list[tuple]]:
        """(etag, every area as (code, name, district code, district name, EPSG:27700 WKB, CRS84
        GeoJSON geometry) in code order): read in one statement, so the etag is these areas'."""
        rows = self.conn.execute(
            "SELECT g.etag, a.area_code, a.area_name, a.district_code, a.district_name, a.geom_wkb, a.geojson_crs84 "
            "FROM areas a JOIN geographies g ON g.geography = a.geography WHERE a.geography = ? "
            "ORDER BY a.area_code", (geography,)).fetchall()
        if not rows:
            raise self._no_boundaries(geography)
        return rows[0][0], [(*r[1:5], bytes(r[5]), r[6]) for r in rows]

    def boundary_level(self, geography: str, metres: int) -> tuple[str, int, bytes] | None:
        """(etag, number of areas, gzipped FeatureCollection) of ``geography`` at level ``metres``
        as made when its boundaries were loaded, if it was made from the areas loaded now."""
        row = self.conn.execute(
            "SELECT g.etag, g.n_areas, l.body FROM boundary_levels l JOIN geographies g "
            "ON g.geography = l.geography AND g.etag = l.etag WHERE l.geography = ? AND l.metres = ?",
            (geography, metres)).fetchone()
        return None if row is None else (row[0], row[1], bytes(row[2]))

    def boundaries_gzip(self, geography: str) -> tuple[str, bytes]:
        """(etag, gzip-compressed boundaries): compressed once per version, not on every request
        (gzipping a county's or a country's geometry costs far more than sending it)."""
        etag, body = self.boundaries(geography)
        with self._gzip_lock:
            packed = self._gzipped.get((geography, etag))
            if packed is None:
                packed = gzip.compress(body, compresslevel=6, mtime=0)
                self._gzipped = {k: v for k, v in self._gzipped.items() if k[0] != geography}
                self._gzipped[(geography, etag)] = packed
        return etag, packed

    def areas(self, geography: str, bbox: tuple[float, float, float, float] | None, limit: int, offset: int,
              area_code: str | None = None, codes: set[str] | None = None, bbox_bng: bool = False,
              bng: bool = False) -> Page:
        """Areas intersecting ``bbox`` (envelope test), optionally only ``codes``, paged by code.

        ``bbox_bng``: bbox in EPSG:27700, not CRS84; ``bng``: geometry in EPSG:27700, not CRS84.
        """
        if bbox is None and area_code is None and codes is None:      # a page of the whole geography
            every = self._areas.get((self.version(), geography, bng), lambda: self._every_area(geography, bng))
            return Page(len(every), every[offset:offset + limit])
        where, args = "geography = ?", [geography]
        if bbox is not None:
            cols = ("maxx", "minx", "maxy", "miny") if bbox_bng else ("lon_max", "lon_min", "lat_max", "lat_min")
            where += " AND {} >= ? AND {} <= ? AND {} >= ? AND {} <= ?".format(*cols)
            args += [bbox[0], bbox[2], bbox[1], bbox[3]]
        if area_code is not None:
            where += " AND area_code = ?"
            args.append(area_code)
        if codes is not None:
            where += f" AND area_code IN ({self.conn.json_values})"
            args.append(json.dumps(sorted(codes)))
        (matched,) = self.conn.execute(f"SELECT count(*) FROM areas WHERE {where}", args).fetchone()
        geom = "geojson_bng" if bng else "geojson_crs84"
        rows = self.conn.execute(
            f"SELECT area_code, area_name, district_code, district_name, {geom} FROM areas "
            f"WHERE {where} ORDER BY area_code LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return Page(matched, rows)

    def _every_area(self, geography: str, bng: bool) -> list[tuple]:
        """Every area of ``geography`` in code order: kept (``_areas``) so paging through a national
        geography does not cost a count and an ever longer OFFSET scan a page."""
        geom = "geojson_bng" if bng else "geojson_crs84"
        return self.conn.execute(f"SELECT area_code, area_name, district_code, district_name, {geom} FROM areas "
                                 "WHERE geography = ? ORDER BY area_code", (geography,)).fetchall()

    def districts(self, geography: str) -> dict[str, str]:
        """Each area's district code."""
        return dict(self.conn.execute("SELECT area_code, district_code FROM areas WHERE geography = ?", (geography,)))

    # ---- records ---------------------------------------------------------------------------
    def records(self, dataset: str, period: str | None, category: str | None, zone: dict | None,
                limit: int, offset: int) -> tuple[dict, int, list[tuple]]:
        """(entry, rows matched, page) of the current release's cleansed, depersonalised records."""
        entry = self.dataset(dataset)
        no, base = self.conn.execute("SELECT no, geography FROM releases WHERE id = ?",
                                     (entry["release"]["id"],)).fetchone()
        where, args = ["id BETWEEN ? AND ?"], [no << 32, (no << 32) + LINES]     # the release's records
        if period:                  # a longer period: the records of every month it covers
            where.append("period BETWEEN ? AND ?")
            args += periods.span(period)
        if category and category != "all":
            if category not in entry["categories"]:
                raise NotFound(f"category '{category}' is not in dataset '{dataset}'; choose one of: "
                               f"{', '.join(entry['categories'])}")
            where.append("category = ?")
            args.append(category)
        if zone is not None:
            if zone["geography"] not in GEOGRAPHIES:
                raise NotFound(f"zone '{zone['id']}' is made of unknown geography '{zone['geography']}'")
            listed = self.conn.json_values
            where.append(f"area_code IN ({listed}) OR area_code IN (SELECT child_code FROM "
                         f"nesting WHERE child = ? AND parent = ? AND parent_code IN ({listed}))")
            areas = json.dumps(zone["areas"])
            args += [areas, base, zone["geography"], areas]
        sql = " AND ".join(f"({w})" for w in where)
        (matched,) = self.conn.execute(f"SELECT count(*) FROM records WHERE {sql}", args).fetchone()
        rows = self.conn.execute(f"SELECT {', '.join(RECORD_FIELDS)} FROM record_areas WHERE {sql} "
                                 "ORDER BY id LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return entry, matched, rows

    # ---- values ----------------------------------------------------------------------------
    def resolve(self, dataset: str, geography: str, period: str | None, category: str) -> tuple[dict, str]:
        """Validate a values request against the catalogue; return (entry, period)."""
        entry = self.dataset(dataset)
        if geography not in entry["geographies"]:
            raise NotFound(f"dataset '{dataset}' is not published for geography '{geography}'; "
                           f"available: {', '.join(entry['geographies'])}")
        if period is None:          # the latest month, or where months are not published the latest year
            by_month = geography in entry["publication"].get(category, [])
            longer = entry["years"][-1:] or entry["rolling"] or entry["financial_years"][-1:]
            period = entry["periods"][-1] if by_month or not longer else longer[0]
        if period not in [p for field in PERIOD_FIELDS.values() for p in entry[field]]:
            raise NotFound(f"period '{period}' is not in dataset '{dataset}'; {_available(entry)}")
        if category not in entry["categories"]:
            raise NotFound(f"category '{category}' is not in dataset '{dataset}'; choose one of: "
                           f"{', '.join(entry['categories'])}")
        kind = periods.kind(period)
        publication = entry["publication" if kind == "month" else "publication_years"][category]
        if geography not in publication:
            raise NotFound(f"'{category}' by {periods.NAMES[kind]} in dataset '{dataset}' is published only for "
                           f"{', '.join(publication)} (release policy): choose one of those")
        return entry, period

    def _counts(self, release_id: str, geography: str, period: str, category: str) -> dict[str, tuple]:
        """{area_code: (count|None, suppressed)} for every area; no row = a true zero."""
        values: dict[str, tuple[int | None, bool]] = {
            code: (0, False) for (code,) in self.conn.execute(
                "SELECT area_code FROM areas WHERE geography = ? ORDER BY area_code", (geography,))}
        for code, count, suppressed in self.conn.execute(
                "SELECT area_code, count, suppressed FROM aggregates WHERE release_id = ? AND geography = ? "
                "AND period = ? AND category = ?", (release_id, geography, period, category)):
            values[code] = (count, bool(suppressed))
        return values

    def _denominators(self, entry: dict, geography: str, period: str) -> dict[str, int | None]:
        """Per area: the rate's denominator, or None where it is unknown or withheld."""
        rate = entry["rate"]
        if rate is None:
            return {}
        if rate["denominator"] == "all":
            return {code: None if supp else count
                    for code, (count, supp) in self._counts(entry["release"]["id"], geography, period, "all").items()}
        return dict(self.conn.execute("SELECT area_code, value FROM denominators WHERE measure = ? AND geography = ?",
                                      (rate["denominator"], geography)))

    def values(self, dataset: str, geography: str, period: str | None, category: str) -> tuple[dict, str, dict]:
        """(catalogue entry, period, {area_code: (count|None, suppressed, rate|None, base|None)}) for
        every area.

        Areas with no recorded incident are a true zero (the dataset covers every loaded area). The
        rate of a withheld count is withheld too. ``base`` is the rate's denominator (residents, or
        pupils on roll: itself a published count, withheld where that is), so clients can smooth rates.
        """
        entry, period = self.resolve(dataset, geography, period, category)
        # Releases never change in place. The release is in the key as well as the state: an ingest
        # (in any hub process) may flip the pointer between reading the entry and the state.
        key = (self.version(), entry["release"]["id"], dataset, geography, period, category)
        return entry, period, self._values.get(key, lambda: self._compute_values(entry, geography, period, category))

    def _compute_values(self, entry: dict, geography: str, period: str, category: str) -> dict:
        counts = self._counts(entry["release"]["id"], geography, period, category)
        per = entry["rate"]["per"] if entry["rate"] else 0
        denominators = self._denominators(entry, geography, period)
        values = {}
        for code, (count, supp) in counts.items():
            base = denominators.get(code)
            rate = round(count / base * per, 2) if count is not None and base else None
            values[code] = (count, supp, rate, base)
        return values
