"""Two datasets per area against the real hub: the pairs are published values, withheld areas are
listed and never classed, the classes are the plugin's 3 × 3, and the audit names both datasets."""

from __future__ import annotations

import numpy as np
import requests

from jin_hub import compare, db
from jin_hub.access import auditlog
from tests.conftest import ANALYST

API = "/api/v1"
BOTH = {"x": "police_crime", "y": "asb_incidents", "x_period": "2024", "y_period": "2024"}


def published(url: str, dataset: str, period: str) -> dict[str, list]:
    doc = requests.get(f"{url}{API}/values/{dataset}/lsoa", params={"period": period}, auth=ANALYST,
                       timeout=60).json()
    return {row[0]: row[1:] for row in doc["rows"]}


def test_pairs_are_published_values_in_the_plugins_classes(hub_url):
    doc = requests.get(f"{hub_url}{API}/compare/lsoa", params=BOTH, auth=ANALYST, timeout=60).json()
    xs, ys = published(hub_url, "police_crime", "2024"), published(hub_url, "asb_incidents", "2024")
    held = {c for c in xs if xs[c][1] or ys[c][1]}
    assert held and set(doc["withheld"]) == held
    assert {r[0] for r in doc["rows"]} == set(xs) - held - set(doc["missing"])
    cuts = [np.quantile([v[2] for v in side.values() if v[2] is not None], [1 / 3, 2 / 3]) for side in (xs, ys)]
    assert doc["x"]["cuts"] == list(cuts[0]) and doc["y"]["cuts"] == list(cuts[1])
    for code, x, y, cls in doc["rows"]:
        assert (x, y) == (xs[code][2], ys[code][2])
        assert cls == 3 * int(np.searchsorted(cuts[1], y, side="left")) + int(np.searchsorted(cuts[0], x, side="left"))
    assert len({r[3] for r in doc["rows"]}) == 9
    assert 0 < doc["spearman"] <= 1


def test_the_palette_is_the_plugins():
    from jin_plugin.core.bivariate import PALETTE

    assert compare.PALETTE == PALETTE


def test_one_audit_row_found_under_either_dataset(hub_url, hub_db_path):
    conn = db.connect(hub_db_path)
    (before,) = conn.execute("SELECT max(seq) FROM audit_log").fetchone()
    assert requests.get(f"{hub_url}{API}/compare/lsoa", params=BOTH, auth=ANALYST, timeout=60).status_code == 200
    for dataset in ("police_crime", "asb_incidents"):
        rows = [r for r in auditlog.query(conn, dataset=dataset) if r["seq"] > before]
        assert [(r["endpoint"], r["dataset"]) for r in rows] == [(f"{API}/compare/lsoa", "police_crime,asb_incidents")]
    assert not [r for r in auditlog.query(conn, dataset="police%") if r["seq"] > before]
    assert not [r for r in auditlog.query(conn, dataset="police_crim_") if r["seq"] > before]
    conn.close()


def test_bad_requests_name_what_exists(hub_url):
    def detail(**params) -> tuple[int, str]:
        reply = requests.get(f"{hub_url}{API}/compare/lsoa", params={**BOTH, **params}, auth=ANALYST, timeout=60)
        return reply.status_code, reply.json()["detail"]

    status, text = detail(y="burglaries")
    assert status == 404 and "no dataset 'burglaries'" in text
    status, text = detail(x_period="2019")
    assert status == 404 and "period '2019' is not in dataset 'police_crime'" in text
    assert requests.get(f"{hub_url}{API}/compare/lsoa", params=BOTH, timeout=30).status_code == 401
