"""What the web tests do in the browser: sign in, wait for maps, read the screenshot's pixels."""

from __future__ import annotations

from pathlib import Path

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "web-shots"


def sign_in(page, user: tuple[str, str]) -> None:
    """Fill in and send the sign-in form on the page showing it."""
    page.fill("#username", user[0])
    page.fill("#password", user[1])
    page.click("#sign-in button[type=submit]")


def drawn(page, times: int = 1, timeout: float = 60_000) -> None:
    """Wait until the page has drawn its ``times``-th map (a CSS selector: no script under the CSP)."""
    page.wait_for_selector(f"body[data-drawn='{times}']", state="attached", timeout=timeout)


def open_map(page, url: str, user: tuple[str, str], link: str = "/") -> None:
    """Sign in at ``link`` and wait for its map and the district outlines."""
    page.goto(url + link)
    sign_in(page, user)
    page.wait_for_selector("body[data-districts]", state="attached", timeout=60_000)


#: The page's own timings once its map's first frame is on screen (``signIn``, ``firstPainted``…,
#: ms since the page began loading): Playwright's polling notices a map 0.15–0.4 s after that.
PAINTED = "new Promise((done) => requestAnimationFrame(() => done(window.jin.timings)))"


def shot(page, name: str) -> bytes:
    """A screenshot, kept in var/web-shots for people to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return page.screenshot(path=str(SHOTS / f"{name}.png"))


def image(png: bytes):
    """The screenshot's pixels (Qt's PNG reader; Qt comes with QGIS here)."""
    from qgis.PyQt.QtGui import QImage

    picture = QImage.fromData(png, "PNG")
    assert not picture.isNull(), "the screenshot is not a PNG"
    return picture


def rgb(picture, x: int, y: int) -> tuple[int, int, int]:
    from qgis.PyQt.QtGui import QColor

    colour = QColor(picture.pixel(x, y))
    return colour.red(), colour.green(), colour.blue()


def near(colour: tuple[int, int, int], hex_colour: str, tolerance: int) -> bool:
    wanted = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(colour, wanted))


def patch(picture, x: int, y: int, half: int = 5) -> list[tuple[int, int, int]]:
    """The pixels of a square around (x, y)."""
    return [rgb(picture, i, j) for i in range(x - half, x + half + 1) for j in range(y - half, y + half + 1)]


#: Points well inside one area each (a 16 px box meeting no other area and no district label),
#: with the area's status: found by the map itself, in page coordinates. Its argument names the
#: map (``window.jin``'s ``view``, the main map, unless given).
INSIDE = """(name) => {
  const view = window.jin[name || 'view'], map = view.map, box = map.getContainer().getBoundingClientRect();
  const labels = [...document.querySelectorAll('.district-label')].map((e) => e.getBoundingClientRect());
  const found = [];
  for (let y = 12; y < box.height - 40; y += 5) for (let x = 12; x < box.width - 60; x += 5) {
    const px = box.left + x, py = box.top + y;
    if (labels.some((r) => px > r.left - 12 && px < r.right + 12 && py > r.top - 12 && py < r.bottom + 12)) continue;
    const layers = ['areas-fill', 'districts-line'];
    const hit = map.queryRenderedFeatures([[x - 8, y - 8], [x + 8, y + 8]], { layers });
    const shown = hit.length === 1 && view.shown.get(hit[0].properties.area_code);
    if (shown) found.push([Math.round(px), Math.round(py), shown.status]);
  }
  return found;
}"""
