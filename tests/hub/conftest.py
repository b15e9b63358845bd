"""A second test hub whose data spans 19 months (Jan 2023 – Jul 2024): unlike the one-year demo hub
it publishes a complete financial year (FY2023) and a rolling 12 months (L12-2024-07) that overlap
the calendar years without equalling any of them, which is what differencing attacks need."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import built_once, hub_db_built_once, serve
from tests.hub_locator import ON_POSTGRES, built_hub, new_hub

SPAN_SEED, SPAN_SCALE = 5, 0.2
SPAN_END = "2024-07"                     # the latest month: 2024 is published as a part-year
#: Date column and format of each generated (clean) extract; school terms stay whole years.
DATES = {"police_crime": ("reported_at", "%Y-%m-%dT%H:%M"), "asb_incidents": ("reported", "%d/%m/%Y %H:%M"),
         "fire_incidents": ("call_datetime", "%Y-%m-%d %H:%M:%S")}


def span_paths(folder: Path) -> dict[str, Path]:
    """Where ``write_span_extracts`` puts each extract and the residents per OA."""
    from jin_hub.demo import partners

    return {**{dataset: folder / f"{dataset}.csv" for dataset in partners.GENERATORS},
            "population": folder / "population_oa_synthetic.csv"}


def write_span_extracts(out: Path) -> None:
    """Clean synthetic extracts of 2023 and Jan–Jul 2024, and the residents per OA, into ``out``."""
    from jin_hub.demo import partners, surface
    from jin_hub.demo.synth import write_population

    shared = surface.build_surface(surface.load_areas(), SPAN_SEED)
    paths = span_paths(out)
    for number, (dataset, make) in enumerate(partners.GENERATORS.items()):
        rng = np.random.default_rng([SPAN_SEED, number])
        frame = pd.concat([make(shared, rng, SPAN_SCALE, year) for year in (2023, 2024)], ignore_index=True)
        if dataset in DATES:
            column, fmt = DATES[dataset]
            frame = frame[pd.to_datetime(frame[column], format=fmt).dt.strftime("%Y-%m") <= SPAN_END]
        frame.to_csv(paths[dataset], index=False)
    write_population(paths["population"], shared, SPAN_SEED)


@pytest.fixture(scope="session")
def span_extracts(tmp_path_factory) -> dict[str, Path]:
    """The 19-month extracts (read-only)."""
    return span_paths(built_once(tmp_path_factory, "span_extracts", write_span_extracts))


@pytest.fixture(scope="session")
def span_db_path(tmp_path_factory, span_extracts) -> Path:
    """The 19-month hub, built in its own process like the main test hub."""
    return hub_db_built_once(tmp_path_factory, "span_hub", span_extracts)


@pytest.fixture(scope="session")
def span_url(span_db_path) -> str:
    """Base URL of a real hub serving the 19-month database."""
    yield from serve(span_db_path)


#: What an exact-count hub publishes: the method before cell-key noise, kept for comparison.
SUPPRESSED = ["police_crime", "fire_incidents", "school_attendance"]


@pytest.fixture(scope="session")
def suppression_db_path(tmp_path_factory, demo_extracts) -> Path:
    """The demo hub with exact counts and suppression (primary, secondary and the rank audit)."""
    return hub_db_built_once(tmp_path_factory, "suppression_hub", demo_extracts, SUPPRESSED, "suppression")


@pytest.fixture(scope="session")
def suppression_span_db_path(tmp_path_factory, span_extracts) -> Path:
    """The 19-month hub with exact counts and suppression."""
    return hub_db_built_once(tmp_path_factory, "suppression_span_hub", span_extracts, SUPPRESSED, "suppression")


@pytest.fixture(scope="session")
def suppression_span_url(suppression_span_db_path) -> str:
    """Base URL of a real hub serving the 19-month database with exact counts."""
    yield from serve(suppression_span_db_path)


def build_police_uk_hub(folder: Path, hub) -> None:
    """The hub ``hub`` the admin's commands make of the real data (``jin_hub.demo.realdata``),
    with the test accounts and a fixed secret (in ``folder``)."""
    from jin_hub import cli, db
    from jin_hub.demo import realdata
    from tests.conftest import add_test_accounts

    (folder / "hub.secret").write_bytes(b"s" * 32)
    for command in realdata.commands():
        cli.main(["--db", str(hub), "--secret-file", str(folder / "hub.secret"), *command])
    add_test_accounts(db.connect(hub))


@pytest.fixture(scope="session")
def police_uk_db_path(tmp_path_factory):
    """police.uk's 24 months of Nottinghamshire crime and ASB on the 2021 areas (read-only);
    skipped without the real data."""
    from jin_hub.demo import realdata

    if not realdata.available():
        pytest.skip(f"no real data at {realdata.folder()}: set JIN_REALDATA")
    if ON_POSTGRES:
        return built_hub("police_uk_hub", lambda hub: build_police_uk_hub(
            tmp_path_factory.mktemp("police_uk_files"), new_hub(hub)))
    return built_once(tmp_path_factory, "police_uk_hub",
                      lambda folder: build_police_uk_hub(folder, folder / "hub.sqlite")) / "hub.sqlite"
