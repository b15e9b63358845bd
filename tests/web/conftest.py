"""A real hub on loopback serving the exact-count test hub (it has withheld areas to hatch), and
Debian's Chromium driven by Playwright (its own browser download cannot be reached here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import IMD2019, load_reference, serve, snapshot_db
from tests.hub.conftest import suppression_db_path  # noqa: F401  (a fixture: the hub with withheld cells)

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def web_db_path(suppression_db_path, tmp_path_factory):  # noqa: F811
    """The hub with withheld areas, and IMD 2019 loaded for the area profile's deprivation."""
    path = snapshot_db(suppression_db_path, tmp_path_factory.mktemp("web_hub") / "hub.sqlite")
    load_reference(path, IMD2019, "--id", "imd2019", "--geography", "lsoa",
                   "--title", "English Indices of Deprivation 2019")
    return path


@pytest.fixture(scope="session")
def web_url(web_db_path) -> str:
    """Base URL of a real hub with withheld (suppressed) counts."""
    yield from serve(web_db_path)


@pytest.fixture(scope="session")
def browser():
    """Chromium, headless, for the whole run."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/setup.sh (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) on a 1366×768 laptop screen."""
    from tests.web.browser import LAPTOP

    context = browser.new_context(viewport=LAPTOP)
    yield context.new_page()
    context.close()
