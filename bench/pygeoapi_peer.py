"""pygeoapi (the OGC API reference server, from PyPI) as the scale benchmark's peer: the hub's
LSOA collection, exported from the hub itself, served by pygeoapi so items paging compares like
with like.

pygeoapi lives in a venv of its own (``var/bench/pygeoapi-venv``, made once with pip and the
hub's own Python, whose sqlite3 loads SpatiaLite): its pins would fight the hub's FastAPI and
pydantic. It runs as its docs advise for production, gunicorn with its Flask app, one worker as
the hub has one process. Its providers: SQLiteGPKG over a SpatiaLite file beside a SQLite hub
(its GeoPackage form, read through a SpatiaLite virtual table, paged no faster) and PostgreSQL
over a PostGIS table in a PostgreSQL hub's own database. Not its GeoJSON provider, which parses
the whole file on every request.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
import shapely
import shapely.geometry
import yaml

from jin_hub import die_with_parent
from jin_hub.local_server import free_port

VENV = Path("var/bench/pygeoapi-venv")
PACKAGES = ["pygeoapi", "gunicorn", "psycopg2-binary", "GeoAlchemy2"]
TABLE = "lsoa"
SPATIALITE = "mod_spatialite"                  # found on the loader's path, as pygeoapi finds it
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


class Unavailable(RuntimeError):
    """pygeoapi could not be installed or started; the message says why."""


def install(venv: Path = VENV) -> Path:
    """The venv's ``bin`` with pygeoapi and gunicorn, made once; ``Unavailable`` with pip's own
    last lines if the install fails."""
    bin_ = venv.absolute() / "bin"
    if (bin_ / "gunicorn").exists() and (bin_ / "pygeoapi").exists():
        return bin_
    python = str(Path(sys.base_prefix) / "bin" / "python3")        # the hub's own Python, not a venv's
    for step in ([python, "-m", "venv", str(venv)], [str(bin_ / "pip"), "install", "-q", *PACKAGES]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode:
            shutil.rmtree(venv, ignore_errors=True)        # never half a venv that passes the check above
            raise Unavailable(f"`{' '.join(step[:3])} …` failed: {(done.stderr or done.stdout).strip()[-600:]}")
    return bin_


def export(url: str, collection: str, params: dict, auth: tuple[str, str]) -> list[dict]:
    """The hub's items of ``collection``, every page (``params`` as the benchmark asks them)."""
    features: list[dict] = []
    with requests.Session() as s:
        while True:
            r = s.get(f"{url}/collections/{collection}/items",
                      params={**params, "limit": 10_000, "offset": len(features)}, auth=auth, timeout=300)
            r.raise_for_status()
            page = r.json()["features"]
            features += page
            if len(page) < 10_000:
                return features


def _rows(features: list[dict]) -> tuple[list[str], list[list]]:
    """(property names, area_code first, pygeoapi's id field; rows of their values and the
    geometry as WKB)."""
    names = ["area_code", *[k for k in features[0]["properties"] if k != "area_code"]]
    return names, [[f["properties"][k] for k in names] + [shapely.geometry.shape(f["geometry"]).wkb]
                   for f in features]


def write_spatialite(features: list[dict], path: Path) -> Path:
    """A SpatiaLite database of ``features`` (geometry SRID 4326, lon/lat as CRS84), with the
    hub's properties as its only columns, for pygeoapi's SQLiteGPKG provider."""
    names, rows = _rows(features)
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.enable_load_extension(True)
    conn.load_extension(SPATIALITE)
    with conn:
        conn.execute("SELECT InitSpatialMetadata(1)")
        conn.execute(f"CREATE TABLE {TABLE} ({', '.join(names)}, PRIMARY KEY (area_code))")
        conn.execute(f"SELECT AddGeometryColumn('{TABLE}', 'geom', 4326, 'GEOMETRY', 'XY')")
        conn.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(names))}, GeomFromWKB(?, 4326))", rows)
        conn.execute(f"SELECT CreateSpatialIndex('{TABLE}', 'geom')")
    conn.close()
    return path


def write_postgis(features: list[dict], locator: str) -> None:
    """``features`` as table ``peer.lsoa`` (GiST-indexed, SRID 4326 in lon/lat order) in the hub's
    PostgreSQL database, for pygeoapi's PostgreSQL provider."""
    import psycopg

    names, rows = _rows(features)
    kinds = {bool: "boolean", int: "bigint", float: "double precision", str: "text"}
    types = [next((kinds[type(r[i])] for r in rows if r[i] is not None), "text") for i in range(len(names))]
    with psycopg.connect(locator) as conn:
        conn.execute("DROP SCHEMA IF EXISTS peer CASCADE")
        conn.execute("CREATE SCHEMA peer")
        conn.execute(f"CREATE TABLE peer.{TABLE} ({', '.join(f'{n} {t}' for n, t in zip(names, types))}, "
                     "geom geometry(Geometry, 4326), PRIMARY KEY (area_code))")
        with conn.cursor().copy(f"COPY peer.{TABLE} FROM STDIN") as copy:
            for row in rows:
                copy.write_row([*row[:-1], f"SRID=4326;{row[-1].hex()}"])
        conn.execute(f"CREATE INDEX ON peer.{TABLE} USING gist (geom)")
        conn.execute(f"ANALYZE peer.{TABLE}")


def provider(locator: str, folder: Path, features: list[dict]) -> dict:
    """pygeoapi's provider entry for ``features`` stored beside the hub's backend (``locator``)."""
    base = {"type": "feature", "id_field": "area_code", "table": TABLE}
    if not locator.startswith("postgresql"):
        return {**base, "name": "SQLiteGPKG", "data": str(write_spatialite(features, folder / "peer.sqlite"))}
    from psycopg.conninfo import conninfo_to_dict

    write_postgis(features, locator)
    info = conninfo_to_dict(locator)
    return {**base, "name": "PostgreSQL", "geom_field": "geom",
            "data": {"host": info.get("host", "127.0.0.1"), "port": int(info.get("port", 5432)),
                     "dbname": info["dbname"], "user": info["user"], "password": info.get("password", ""),
                     "search_path": ["peer"]}}


def config(port: int, collection: str, provider_def: dict, bbox: list[float]) -> dict:
    """A minimal pygeoapi configuration serving one collection; logging at errors only, as a
    production server would."""
    return {
        "server": {"bind": {"host": "127.0.0.1", "port": port}, "url": f"http://127.0.0.1:{port}",
                   "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8", "language": "en-US",
                   "pretty_print": False, "limits": {"default_items": 10, "max_items": 10_000},
                   "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "JiN benchmark peer", "description": "The hub's LSOAs",
                                        "keywords": ["benchmark"], "keywords_type": "theme",
                                        "terms_of_service": "", "url": "http://127.0.0.1"},
                     "license": {"name": "OGL", "url": "http://127.0.0.1"},
                     "provider": {"name": "JiN", "url": "http://127.0.0.1"}, "contact": {"name": "JiN"}},
        "resources": {collection: {
            "type": "collection", "title": collection, "description": "LSOAs with the hub's values",
            "keywords": ["lsoa"], "links": [],
            "extents": {"spatial": {"bbox": bbox, "crs": CRS84}},
            "providers": [provider_def]}},
    }


@dataclass
class Peer:
    """A running pygeoapi: its base URL and its gunicorn process."""

    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(bin_: Path, folder: Path, collection: str, provider_def: dict, bbox: list[float],
          timeout: float = 120) -> Peer:
    """gunicorn serving pygeoapi's Flask app on a free loopback port; returns once it answers."""
    port = free_port()
    cfg, openapi = folder / "pygeoapi-config.yml", folder / "pygeoapi-openapi.yml"
    cfg.write_text(yaml.safe_dump(config(port, collection, provider_def, bbox)))
    env = {**os.environ, "PYGEOAPI_CONFIG": str(cfg), "PYGEOAPI_OPENAPI": str(openapi)}
    done = subprocess.run([str(bin_ / "pygeoapi"), "openapi", "generate", str(cfg), "--output-file", str(openapi)],
                          capture_output=True, text=True, env=env)
    if done.returncode:
        raise Unavailable(f"pygeoapi openapi generate failed: {done.stderr.strip()[-600:]}")
    with open(folder / "pygeoapi.log", "wb") as log:          # the child keeps its own copy of the file
        proc = subprocess.Popen(die_with_parent.command(
            [str(bin_ / "gunicorn"), "--workers", "1", "--no-control-socket", "--bind", f"127.0.0.1:{port}",
             "--timeout", "300", "pygeoapi.flask_app:APP"]), env=env, stdout=log, stderr=subprocess.STDOUT)
    peer, deadline = Peer(f"http://127.0.0.1:{port}", proc), time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(f"{peer.url}/collections/{collection}", params={"f": "json"}, timeout=5).ok:
                return peer
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    peer.stop()
    raise Unavailable(f"pygeoapi did not answer: {(folder / 'pygeoapi.log').read_text()[-600:]}")


def serve(url: str, collection: str, params: dict, auth: tuple[str, str], locator: str,
          folder: Path) -> Peer:
    """pygeoapi serving the hub's ``collection`` (exported now from ``url``) from the same kind of
    backend as the hub's; ``Unavailable`` says why not."""
    bin_ = install()
    features = export(url, collection, params, auth)
    bbox = shapely.total_bounds([shapely.geometry.shape(f["geometry"]) for f in features]).tolist()
    return start(bin_, folder, collection, provider(locator, folder, features), bbox)

