"""The hub's HTTP API against the real server on loopback."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest
import requests

from jin_hub import db
from jin_hub.api.deps import BNG, CRS84
from tests.conftest import ANALYST, SOUTH_NOTTS


def get(url: str, **kw) -> requests.Response:
    """GET as the police analyst unless other ``auth`` is given."""
    kw.setdefault("auth", ANALYST)
    return requests.get(url, timeout=30, **kw)


def test_version_and_catalogue(hub_url):
    assert get(f"{hub_url}/api/v1/version").json()["name"] == "JiN hub"
    cat = get(f"{hub_url}/api/v1/catalogue").json()
    entries = {d["id"]: d for d in cat["datasets"]}
    assert set(entries) == {"police_crime", "asb_incidents", "fire_incidents", "school_attendance"}
    assert {d["theme"] for d in entries.values()} == {"crime", "asb", "fire", "education"}
    entry = entries["police_crime"]
    assert entry["theme"] == "crime"
    assert entry["categories"][0] == "all" and "Criminal damage and arson" in entry["categories"]
    assert entry["geographies"] == ["oa", "lsoa", "msoa", "district"] and entry["periods"] == sorted(entry["periods"])
    assert entry["disclosure"]["threshold"] == 5 and "suppressed" in entry["disclosure"]["rule"]
    assert cat["geographies"]["lsoa"]["areas"] == 679
    assert get(f"{hub_url}/api/v1/catalogue", params={"q": "police recorded"}).json()["datasets"]
    assert [d["id"] for d in get(f"{hub_url}/api/v1/catalogue", params={"q": "minor arson"}).json()["datasets"]] \
        == ["fire_incidents"]
    assert [d["id"] for d in get(f"{hub_url}/api/v1/catalogue", params={"theme": "education"}).json()["datasets"]] \
        == ["school_attendance"]
    assert entries["school_attendance"]["units"] == "pupils"
    assert entries["school_attendance"]["period_labels"]["2024-09"] == "Autumn term 2024"


def test_boundaries_are_cacheable(hub_url):
    r = get(f"{hub_url}/api/v1/boundaries/lsoa")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.headers.get("content-encoding") == "gzip"
    doc = r.json()
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::27700"
    assert len(doc["features"]) == 679
    x, y = doc["features"][0]["geometry"]["coordinates"][0][0][:2] if doc["features"][0]["geometry"]["type"] \
        == "Polygon" else doc["features"][0]["geometry"]["coordinates"][0][0][0][:2]
    assert 400000 < x < 500000 and 300000 < y < 420000            # British National Grid metres
    again = get(f"{hub_url}/api/v1/boundaries/lsoa", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert len(get(f"{hub_url}/api/v1/boundaries/district").json()["features"]) == 8
    assert get(f"{hub_url}/api/v1/boundaries/ward").status_code == 404
    plain = get(f"{hub_url}/api/v1/boundaries/lsoa", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == doc      # the same, uncompressed
    assert "Accept-Encoding" in r.headers["vary"] and plain.headers["etag"] == r.headers["etag"]


def test_values_cover_every_area(hub_url):
    doc = get(f"{hub_url}/api/v1/values/police_crime/lsoa").json()
    assert doc["fields"] == ["area_code", "count", "suppressed", "rate", "base"]
    assert len(doc["rows"]) == 679
    latest = next(d for d in get(f"{hub_url}/api/v1/catalogue").json()["datasets"]
                  if d["id"] == "police_crime")["periods"][-1]
    assert doc["period"] == latest and doc["category"] == "all"
    for _code, count, suppressed, _rate, _base in doc["rows"]:
        assert (count is None) == suppressed
        assert suppressed or count == 0 or count >= 5
    assert any(r[2] for r in doc["rows"]) and any(r[1] for r in doc["rows"])


def test_release_policy_and_years(hub_url):
    cat = {d["id"]: d for d in get(f"{hub_url}/api/v1/catalogue").json()["datasets"]}
    police = cat["police_crime"]
    assert police["years"] == ["2024"] and len(police["periods"]) == 12
    assert police["publication"]["all"] == ["lsoa", "msoa", "district"]
    assert police["publication_years"]["all"] == ["oa", "lsoa", "msoa", "district"]    # OA: whole years only
    assert police["publication"]["Burglary"] == ["lsoa", "msoa", "district"]
    assert police["publication"]["Violence and sexual offences"] == ["msoa", "district"]
    assert "Violence and sexual offences from MSOA up" in police["disclosure"]["rule"]
    r = get(f"{hub_url}/api/v1/values/police_crime/lsoa", params={"category": "Violence and sexual offences"})
    assert r.status_code == 404 and "published only for msoa, district (release policy)" in r.json()["detail"]
    r = get(f"{hub_url}/api/v1/values/police_crime/oa", params={"period": "2024-05"})
    assert r.status_code == 404 and "by months" in r.json()["detail"]
    assert get(f"{hub_url}/api/v1/values/police_crime/oa").json()["period"] == "2024"     # default: latest year
    year = get(f"{hub_url}/api/v1/values/police_crime/district", params={"period": "2024"}).json()
    month = get(f"{hub_url}/api/v1/values/police_crime/district", params={"period": "2024-06"}).json()
    assert year["period"] == "2024" and sum(r[1] for r in year["rows"]) > 10 * sum(r[1] for r in month["rows"])
    asb = cat["asb_incidents"]["disclosure"]
    assert asb["method"] == "cell_key" and asb["threshold"] == 10 and "perturbation" in asb["rule"]
    rows = get(f"{hub_url}/api/v1/values/asb_incidents/lsoa").json()["rows"]
    assert all(count is None or count == 0 or count >= 10 for _, count, *_ in rows)
    assert any(supp for _, _, supp, *_ in rows) and any(count for _, count, *_ in rows)


@pytest.mark.parametrize("path, status, words", [
    ("/api/v1/values/nope/lsoa", 404, "published datasets: asb_incidents, fire_incidents, police_crime"),
    ("/api/v1/values/police_crime/ward", 404, "available: oa, lsoa, msoa, district"),
    ("/api/v1/values/police_crime/lsoa?period=2031-01", 404, "available"),
    ("/api/v1/values/police_crime/lsoa?period=2024-13", 422, "period"),
    ("/api/v1/values/police_crime/lsoa?category=Arson'%20OR%201=1--", 404, "choose one of"),
    ("/collections/nope/items", 404, "/collections"),
    ("/collections/police_crime_lsoa/items?bbox=1,2,3", 400, "bbox"),
    ("/collections/police_crime_lsoa/items?bbox=5,5,1,1", 400, "bbox"),
    ("/collections/police_crime_lsoa/items?limit=0", 422, "limit"),
    ("/collections/police_crime_lsoa/items?limit=100000", 422, "limit"),
    ("/collections/police_crime_lsoa/items/E99999999", 404, "no area"),
])
def test_bad_requests_get_clear_json_errors(hub_url, path, status, words):
    r = get(hub_url + path)
    assert r.status_code == status
    assert words in r.json()["detail"]


def test_ogc_landing_conformance_collections(hub_url):
    landing = get(f"{hub_url}/").json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conf = get(f"{hub_url}/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conf
    cols = get(f"{hub_url}/collections").json()["collections"]
    assert sorted(c["id"] for c in cols) == sorted(f"{d}_{g}" for d in ("police_crime", "asb_incidents",
                                                                       "fire_incidents", "school_attendance")
                                                   for g in ("oa", "lsoa", "msoa", "district")
                                                   if (d, g) != ("school_attendance", "oa"))   # children: LSOA up
    assert all("." not in c["id"] for c in cols)
    assert get(f"{hub_url}/openapi.json").json()["openapi"].startswith("3.")


def test_ogc_items_paging_and_bbox(hub_url):
    base = f"{hub_url}/collections/police_crime_lsoa/items"
    page = get(base, params={"limit": 250}).json()
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == 679 and page["numberReturned"] == 250
    ids = [f["id"] for f in page["features"]]
    while True:
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not nxt:
            break
        page = get(nxt[0]).json()
        ids += [f["id"] for f in page["features"]]
    assert len(ids) == len(set(ids)) == 679
    city = get(base, params={"bbox": "-1.20,52.93,-1.12,52.98", "limit": 1000}).json()
    assert 0 < city["numberMatched"] < 679
    assert all(f["properties"]["district_name"] in ("Nottingham", "Gedling", "Broxtowe", "Rushcliffe")
               for f in city["features"])
    one = get(f"{base}/{ids[0]}").json()
    assert one["id"] == ids[0] and one["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_responses_are_gzipped_when_asked(hub_url):
    r = requests.get(f"{hub_url}/collections/police_crime_lsoa/items?limit=50", stream=True, timeout=30,
                     headers={"Accept-Encoding": "gzip"}, auth=ANALYST)
    raw = r.raw.read()
    assert r.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(raw))["numberReturned"] == 50


def test_qgis_oapif_provider_reads_the_hub(qgis_app, hub_url, analyst_authcfg):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"url='{hub_url}' typename='police_crime_lsoa' authcfg='{analyst_authcfg}'",
                           "crime", "OAPIF")
    assert layer.isValid()
    features = list(layer.getFeatures())
    assert len(features) == 679
    assert {f["area_code"] for f in features} == {f.attribute("area_code") for f in features}
    assert layer.fields().indexOf("suppressed") >= 0


def test_rates_use_the_loaded_denominators_and_hide_with_their_counts(hub_url, hub_db_path):
    cat = {d["id"]: d for d in get(f"{hub_url}/api/v1/catalogue").json()["datasets"]}
    assert cat["police_crime"]["rate"] == {"per": 1000, "denominator": "population", "label": "per 1,000 population"}
    assert cat["school_attendance"]["rate"]["per"] == 100
    doc = get(f"{hub_url}/api/v1/values/police_crime/msoa", params={"period": "2024"}).json()
    assert doc["fields"] == ["area_code", "count", "suppressed", "rate", "base"]
    pop = dict(db.connect(hub_db_path).execute(
        "SELECT area_code, value FROM denominators WHERE measure = 'population' AND geography = 'msoa'"))
    assert sum(pop.values()) > 1_000_000                    # the county's residents, summed up from OAs
    for code, count, supp, rate, base in doc["rows"]:
        assert (rate is None) == (count is None) == supp
        assert base == pop[code]                            # residents are public: sent even when withheld
        if count is not None:
            assert rate == round(count / pop[code] * 1000, 2)
    school = get(f"{hub_url}/api/v1/values/school_attendance/lsoa",
                 params={"category": "Persistently absent"}).json()["rows"]
    shares = [rate for _, count, _, rate, _ in school if rate is not None]
    assert shares and all(0 <= r <= 100 for r in shares) and 10 < sum(shares) / len(shares) < 40
    pupils = {code: count for code, count, *_ in get(f"{hub_url}/api/v1/values/school_attendance/lsoa").json()[
        "rows"]}
    assert all(base == pupils[code] for code, *_, base in school)    # pupils on roll: the published 'all'



def test_no_planted_personal_value_leaves_in_any_response(hub_url, demo_extracts):
    """Crawl what the hub serves (catalogue, values, OGC items of every dataset) for the canaries."""
    manifest = json.loads(demo_extracts["manifest"].read_text(encoding="utf-8"))["files"]
    planted = {v for m in manifest.values() for values in m["canaries"].values() for v in values}
    bodies = [get(f"{hub_url}/api/v1/catalogue").text, get(f"{hub_url}/collections").text]
    for entry in get(f"{hub_url}/api/v1/catalogue").json()["datasets"]:
        for geography in entry["geographies"]:
            bodies.append(get(f"{hub_url}/api/v1/values/{entry['id']}/{geography}").text)
        bodies.append(get(f"{hub_url}/collections/{entry['id']}_lsoa/items", params={"limit": 1000}).text)
    served = "\n".join(bodies)
    assert len(served) > 1_000_000
    leaked = [v for v in planted if v in served]
    assert not leaked, f"personal values served: {leaked[:5]}"


def test_catalogue_search_filters_and_release_notes(hub_url):
    def ids(**params) -> list[str]:
        return [d["id"] for d in get(f"{hub_url}/api/v1/catalogue", params=params).json()["datasets"]]

    assert ids(partner="fire") == ["fire_incidents"]
    assert ids(geography="oa") == ["asb_incidents", "fire_incidents", "police_crime"]     # school: LSOA up
    assert ids(q="persistently absent") == ["school_attendance"]                           # a category
    assert ids(period_from="2031-01") == []
    assert len(ids(period_from="2024", period_to="2024-02")) == 4
    assert ids(theme="crime", geography="msoa", q="burglary") == ["police_crime"]
    doc = get(f"{hub_url}/api/v1/catalogue").json()
    assert doc["themes"] == ["asb", "crime", "education", "fire"]
    assert doc["you"] == {"user": ANALYST[0], "agency": "notts-police", "role": "analyst"}
    notes = {d["id"]: d["release"]["notes"] for d in doc["datasets"]}
    assert all("records accepted" in n and "withheld" in n for n in notes.values())
    assert get(f"{hub_url}/api/v1/catalogue", params={"period_from": "2024-13"}).status_code == 422


def test_zones_list_outline_and_filter(hub_url):
    zones = {z["id"]: z for z in get(f"{hub_url}/api/v1/zones").json()["zones"]}
    assert sum(z["kind"] == "district" for z in zones.values()) == 8
    csp = zones["south-nottinghamshire-csp"]
    assert csp["kind"] == "csp" and csp["areas"] == SOUTH_NOTTS
    x0, y0, x1, y1 = csp["bbox"]
    assert 430_000 < x0 < x1 < 480_000 and 320_000 < y0 < y1 < 360_000          # metres, EPSG:27700
    feature = get(f"{hub_url}/api/v1/zones/south-nottinghamshire-csp")
    assert feature.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/27700>"
    assert feature.json()["geometry"]["type"] in ("Polygon", "MultiPolygon")

    inside = get(f"{hub_url}/api/v1/values/police_crime/lsoa", params={"zone": csp["id"]}).json()["rows"]
    lsoas = get(f"{hub_url}/collections/police_crime_lsoa/items", params={"limit": 1000}).json()["features"]
    expected = {f["id"] for f in lsoas if f["properties"]["district_code"] in SOUTH_NOTTS}
    assert {r[0] for r in inside} == expected and 100 < len(expected) < 679
    items = get(f"{hub_url}/collections/police_crime_oa/items",
                params={"zone": "district-e06000018", "period": "2024", "limit": 10_000}).json()
    assert items["numberMatched"] == items["numberReturned"] > 0
    assert {f["properties"]["district_name"] for f in items["features"]} == {"Nottingham"}
    r = get(f"{hub_url}/api/v1/values/police_crime/district", params={"zone": "district-e06000018"})
    assert r.status_code == 200 and [row[0] for row in r.json()["rows"]] == ["E06000018"]
    r = get(f"{hub_url}/api/v1/values/police_crime/lsoa", params={"zone": "atlantis"})
    assert r.status_code == 404 and "/api/v1/zones" in r.json()["detail"]


def test_values_as_csv(hub_url):
    js = get(f"{hub_url}/api/v1/values/police_crime/msoa", params={"period": "2024"}).json()
    r = get(f"{hub_url}/api/v1/values/police_crime/msoa", params={"period": "2024", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and r.headers["x-jin-period"] == "2024"
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == js["fields"] and len(rows) - 1 == len(js["rows"])
    for (code, count, supp, rate, _), (c2, n2, s2, r2, _) in zip(js["rows"], rows[1:]):
        assert (code, "" if count is None else str(count), str(int(supp))) == (c2, n2, s2)
        assert (rate is None and r2 == "") or float(r2) == rate


def test_ogc_crs_part2(hub_url):
    col = get(f"{hub_url}/collections/police_crime_lsoa").json()
    assert col["storageCrs"] == BNG and BNG in col["crs"] and CRS84 in col["crs"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in get(f"{hub_url}/conformance").json()[
        "conformsTo"]
    base = f"{hub_url}/collections/police_crime_lsoa/items"
    wgs = get(base, params={"limit": 5})
    assert wgs.headers["content-crs"] == f"<{CRS84}>"
    bng = get(base, params={"limit": 5, "crs": BNG})
    assert bng.headers["content-crs"] == f"<{BNG}>"
    x, y = bng.json()["features"][0]["geometry"]["coordinates"][0][0][:2] \
        if bng.json()["features"][0]["geometry"]["type"] == "Polygon" \
        else bng.json()["features"][0]["geometry"]["coordinates"][0][0][0][:2]
    assert 400_000 < x < 500_000 and 300_000 < y < 400_000
    metres = get(base, params={"bbox": "455000,338000,460000,342000", "bbox-crs": BNG, "limit": 1000}).json()
    degrees = get(base, params={"bbox": "-1.20,52.93,-1.12,52.98", "limit": 1000}).json()
    assert 0 < metres["numberMatched"] < 679 and 0 < degrees["numberMatched"] < 679
    nxt = next(link["href"] for link in get(base, params={"crs": BNG, "limit": 300}).json()["links"]
           if link["rel"] == "next")
    assert "crs=" in nxt                                          # paging keeps the CRS
    r = get(base, params={"crs": "http://www.opengis.net/def/crs/EPSG/0/4326"})
    assert r.status_code == 400 and "not supported" in r.json()["detail"]


def test_every_reply_says_how_long_the_hub_took(hub_url):
    """``Server-Timing`` (developer tools, the scale bench): the hub's own time, refusals included."""
    url = f"{hub_url}/api/v1/values/police_crime/lsoa"
    for reply in (get(url), requests.get(url, timeout=30)):              # signed in, and refused
        name, _, duration = reply.headers["server-timing"].partition(";dur=")
        assert name == "hub" and 0 <= float(duration) < 60_000
