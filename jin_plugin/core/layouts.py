"""Print layouts: templates (A4/A3, portrait/landscape) filled from a JiN layer, exported to PDF,
PNG or SVG, and atlases (one page per district, ward or zone, same classes on every page).

The templates are ordinary QGIS ``.qpt`` files in ``resources/layouts`` (written by
``scripts/make_layout_templates.py`` from ``build_template``), so an office can restyle them in
the layout designer; filling looks items up by id.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsFillSymbol,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemMapOverview,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutUtils,
    QgsLegendRenderer,
    QgsMapLayer,
    QgsMapLayerLegendUtils,
    QgsMapLayerStyle,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QFont, QFontMetricsF, QImage
from qgis.PyQt.QtXml import QDomDocument

from ..i18n import tr
from .compat import DISTANCE_KM, LAYOUT_MM, SCALEBAR_FIT_WIDTH, TEXT_ALWAYS_TEXT, label_font, set_label_font
from .district_context import CONTEXT_KEY
from .layers import ONS_ATTRIBUTION
from .naming import unique
from .project_layers import jin_layers
from .symbology import PERTURBED_LABEL, unit_of
from .when import day_words, release_day

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "resources" / "layouts"
MM = LAYOUT_MM
PAGES = {"a4-landscape": (297, 210), "a4-portrait": (210, 297), "a3-landscape": (420, 297),
         "a3-portrait": (297, 420)}
NORTH_ARROW = ":/images/north_arrows/layout_default_north_arrow.svg"
LOCATOR_FILL = {"color": "#dcdcdc", "outline_color": "#ffffff", "outline_width": "0.2"}
MIN_TEXT_PT = 6.0                  # labels shrink to fit their frame, never below this
PT_MM = 25.4 / 72


class LayoutError(ValueError):
    """A layout cannot be made or exported; the message says why."""


def _label(layout: QgsPrintLayout, item_id: str, text: str, x: float, y: float, w: float, h: float,
           size: int, bold: bool = False) -> QgsLayoutItemLabel:
    label = QgsLayoutItemLabel(layout)
    label.setId(item_id)
    label.setText(text)
    font = QFont()
    font.setPointSize(size)
    font.setBold(bold)
    set_label_font(label, font)
    label.attemptMove(QgsLayoutPoint(x, y, LAYOUT_MM))
    label.attemptResize(QgsLayoutSize(w, h, MM))
    layout.addLayoutItem(label)
    return label


def _map(layout: QgsPrintLayout, item_id: str, x: float, y: float, w: float, h: float) -> QgsLayoutItemMap:
    item = QgsLayoutItemMap(layout)
    item.setId(item_id)
    item.attemptMove(QgsLayoutPoint(x, y, MM))
    item.attemptResize(QgsLayoutSize(w, h, MM))
    item.setFrameEnabled(True)
    layout.addLayoutItem(item)
    return item


def _show(item: QgsLayoutItemMap, layer: QgsVectorLayer, margin: float = 1.04,
          draw: Optional[list[QgsMapLayer]] = None) -> None:
    """Frame all of ``layer`` in ``item``, in its CRS, keeping the item's shape; draw ``draw`` (top
    first; default ``layer`` alone), or the project's visible layers as they change when it is []."""
    extent = layer.extent()
    extent.scale(margin)
    draw = [layer] if draw is None else draw
    item.setLayers(draw)
    item.setKeepLayerSet(bool(draw))
    item.setCrs(layer.crs())
    item.setExtent(_fit(extent, item))


def _locator(item: QgsLayoutItemMap, areas: QgsVectorLayer, main: QgsLayoutItemMap) -> None:
    """``item`` as a locator: ``areas`` (districts, else the layer) as a plain grey county shape, with
    no theme or labels (a style override, so the layer's own style is untouched), around the main
    map's frame."""
    plain = areas.clone()
    plain.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(LOCATOR_FILL)))
    plain.setLabelsEnabled(False)
    style = QgsMapLayerStyle()
    style.readFromLayer(plain)
    _show(item, areas)
    item.setKeepLayerStyles(True)
    item.setLayerStyleOverrides({areas.id(): style.xmlData()})
    around = QgsRectangle(main.extent())
    around.combineExtentWith(areas.extent())
    around.scale(1.12)                                   # the frame drawn inside, never on the edge
    item.setExtent(_fit(around, item))


def _size_legend(legend: QgsLayoutItemLegend) -> None:
    """The legend's box fitted to its entries now (``adjustBoxSize`` waits for a first paint on 3.22)."""
    context = QgsLayoutUtils.createRenderContextForLayout(legend.layout(), None)
    size = QgsLegendRenderer(legend.model(), legend.legendSettings()).minimumSize(context)
    legend.attemptResize(QgsLayoutSize(size.width(), size.height(), MM))


def _unit_in_title_only(legend: QgsLayoutItemLegend, node, unit: str) -> None:
    """Class labels without the unit the legend's heading already gives ("4.1 – 66.9", not "4.1 –
    66.9 per 1,000 residents (Census 2021)" five times over), so the legend fits the page."""
    model = legend.model()
    if not unit:
        return
    for index, entry in enumerate(model.layerLegendNodes(node)):
        label = str(entry.data(Qt.ItemDataRole.DisplayRole) or "")
        if label.endswith(" " + unit):
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, label[:-len(unit) - 1])
    model.refreshLayerLegend(node)


def _note_on_the_page_only(legend: QgsLayoutItemLegend, node) -> None:
    """Leave out the legend's noise note: the disclosure note under the map says it, and a long
    entry twice on one page is what pushed the legend off it."""
    model = legend.model()
    note = tr(PERTURBED_LABEL)
    kept = [index for index, entry in enumerate(model.layerLegendNodes(node))
            if str(entry.data(Qt.ItemDataRole.DisplayRole) or "").replace("\n", " ") != note]
    if len(kept) < len(model.layerLegendNodes(node)):
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, kept)
        model.refreshLayerLegend(node)


def _fit_legend(legend: QgsLayoutItemLegend, bottom: float, right: float) -> None:
    """Keep the legend above ``bottom`` and left of ``right`` (mm on the page): long entries broken
    into lines when it is too wide, and two columns when it is still too tall and they fit across."""
    for columns in (1, 2):
        legend.setColumnCount(columns)
        legend.setSplitLayer(columns > 1)
        _wrap_legend(legend, right)
        across = legend.pagePos().x() + legend.rect().width() <= right
        if legend.pagePos().y() + legend.rect().height() <= bottom and across:
            return
        if not across:                  # two columns would run off the page: one, however tall
            break
    legend.setColumnCount(1)
    legend.setSplitLayer(False)
    _wrap_legend(legend, right)


def _wrap_legend(legend: QgsLayoutItemLegend, right: float) -> None:
    """Break the legend's longest entries into lines until its box ends left of ``right``."""
    model = legend.model()
    _size_legend(legend)
    for _ in range(4):
        room = right - legend.pagePos().x()
        if legend.rect().width() <= room:
            return
        for node in model.rootGroup().findLayers():
            labels = [str(entry.data(Qt.ItemDataRole.DisplayRole) or "") for entry in model.layerLegendNodes(node)]
            heading = str(node.customProperty("legend/title-label") or "")
            longest = max((len(line) for label in [*labels, heading] for line in label.split("\n")), default=0)
            chars = max(12, int(longest * room / legend.rect().width() * 0.9))   # the width's share of it
            if any(len(line) > chars for line in heading.split("\n")):
                node.setCustomProperty("legend/title-label", textwrap.fill(heading.replace("\n", " "), chars))
            order = (QgsMapLayerLegendUtils.legendNodeOrder(node) if QgsMapLayerLegendUtils.hasLegendNodeOrder(node)
                     else list(range(len(labels))))       # user labels are keyed by the entry's first place
            for index, label in zip(order, labels):
                if any(len(line) > chars for line in label.split("\n")):
                    QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index,
                                                                  textwrap.fill(label.replace("\n", " "), chars,
                                                                                break_on_hyphens=False))
            model.refreshLayerLegend(node)
        _size_legend(legend)


def _blank(project: QgsProject, name: str, w: float, h: float) -> QgsPrintLayout:
    """An empty one-page layout of ``w`` × ``h`` mm."""
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(name)
    layout.pageCollection().page(0).setPageSize(QgsLayoutSize(w, h, MM))
    return layout


def build_template(project: QgsProject, page: str) -> QgsPrintLayout:
    """The empty template for ``page`` (the items every JiN map carries, with ids)."""
    if page not in PAGES:
        raise LayoutError(tr("unknown page '{page}': choose one of {pages}").format(page=page, pages=", ".join(PAGES)))
    w, h = PAGES[page]
    layout = _blank(project, f"JiN {page}", w, h)
    landscape = w > h
    side = w * (0.27 if landscape else 0.0)
    map_w = w - 20 - side - (4 if landscape else 0)
    map_h = h - 64 - (0 if landscape else h * 0.22)
    _label(layout, "title", "Title", 10, 7, w - 20, 10, 18 if w < 400 else 24, bold=True)
    _label(layout, "subtitle", "Subtitle", 10, 18, w - 20, 8, 11)
    main = _map(layout, "map", 10, 28, map_w, map_h)
    right_x = 10 + map_w + 4 if landscape else 10
    panel_y = 28 if landscape else 28 + map_h + 4
    inset_w = side if landscape else w * 0.3
    inset_h = inset_w * (0.7 if landscape else 0.9)
    inset = _map(layout, "inset", right_x, panel_y, inset_w, inset_h)
    overview = QgsLayoutItemMapOverview("extent", inset)
    overview.setLinkedMap(main)
    overview.setFrameSymbol(QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "#c00000",
                                                        "outline_width": "0.6"}))
    inset.overviews().addOverview(overview)
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("")
    legend.setLinkedMap(main)
    legend_x = right_x if landscape else right_x + inset_w + 6
    legend_y = panel_y + inset_h + 4 if landscape else panel_y
    legend.attemptMove(QgsLayoutPoint(legend_x, legend_y, MM))
    layout.addLayoutItem(legend)
    bar = QgsLayoutItemScaleBar(layout)
    bar.setId("scalebar")
    bar.setStyle("Single Box")
    bar.setLinkedMap(main)
    bar.setUnits(DISTANCE_KM)
    bar.setNumberOfSegments(3)
    bar.setNumberOfSegmentsLeft(0)
    bar.setUnitsPerSegment(5)
    bar.setSegmentSizeMode(SCALEBAR_FIT_WIDTH)          # round lengths that fit, at any zoom (atlas pages)
    bar.setMinimumBarWidth(25)
    bar.setMaximumBarWidth(45)
    bar.setUnitLabel("km")
    bar.setBackgroundEnabled(True)                   # readable over hatched areas
    bar.setBackgroundColor(QColor(255, 255, 255, 230))
    bar.setFrameEnabled(True)
    bar.setFrameStrokeWidth(QgsLayoutMeasurement(0.2, MM))
    bar.setBoxContentSpace(1.5)
    bar.attemptMove(QgsLayoutPoint(13, 28 + map_h - 15, MM))
    layout.addLayoutItem(bar)
    north = QgsLayoutItemPicture(layout)
    north.setId("north")
    north.setPicturePath(NORTH_ARROW)
    north.attemptMove(QgsLayoutPoint(10 + map_w - 16, 32, MM))
    north.attemptResize(QgsLayoutSize(10, 14, MM))
    layout.addLayoutItem(north)
    logo = QgsLayoutItemPicture(layout)
    logo.setId("logo")
    logo.attemptMove(QgsLayoutPoint(w - 45, 6, MM))
    logo.attemptResize(QgsLayoutSize(35, 14, MM))
    layout.addLayoutItem(logo)
    _footer(layout, w, h)
    return layout


def _footer(layout: QgsPrintLayout, w: float, h: float) -> None:
    """The disclosure note, the credits and the dates, across the foot of the page."""
    _label(layout, "disclosure", "Disclosure", 10, h - 33, w - 20, 9, 8)
    _label(layout, "source", "Source", 10, h - 23, w - 20, 10, 7)
    _label(layout, "produced", "Produced", 10, h - 12, w - 20, 6, 7)


def load_template(project: QgsProject, page: str) -> QgsPrintLayout:
    """A layout from the shipped ``.qpt`` template of ``page``."""
    path = TEMPLATE_DIR / f"jin-{page}.qpt"
    if not path.is_file():
        raise LayoutError(tr("layout template {name} is missing from the plugin: reinstall JiN").format(name=path.name))
    doc = QDomDocument()
    doc.setContent(path.read_text(encoding="utf-8"))
    layout = QgsPrintLayout(project)
    layout.loadFromTemplate(doc, QgsReadWriteContext())
    layout.setName(f"JiN {page}")
    return layout


def credits(layer: QgsVectorLayer) -> str:
    """The layer's rights statements (partner, the data's licence attribution, ONS boundaries) as
    sentences: every map of it prints them."""
    rights = [r.strip() for r in layer.metadata().rights() if r.strip()] or [ONS_ATTRIBUTION]
    return " ".join(r if r.endswith(".") else f"{r}." for r in rights)


def disclosure_note(layer: QgsVectorLayer) -> str:
    """The layer's disclosure control in one plain sentence, from its release policy; the full rule
    stays in the layer's metadata."""
    method = layer.customProperty("jin/disclosure_method", "")
    try:
        threshold = int(layer.customProperty("jin/threshold", 5))
    except (TypeError, ValueError):
        threshold = 5
    where = tr("The full rule is in the layer's metadata.")
    if method == "cell_key":
        return tr("Counts carry small deliberate noise, and counts under {n} are withheld to protect privacy; "
                  "hatched areas are withheld, not zero.").format(n=threshold) + " " + where
    if method == "suppression":
        return tr("Counts under {n} are withheld to protect privacy, with a few more so they cannot be worked out; "
                  "hatched areas are withheld, not zero.").format(n=threshold) + " " + where
    return ""


def release_date(layer: QgsVectorLayer) -> Optional[date]:
    """The day the layer's data were released by the hub, as the panel's tooltip gives it."""
    return release_day(str(layer.customProperty("jin/release_created", "") or ""),
                       str(layer.customProperty("jin/release", "") or ""))


def dates_line(layer: QgsVectorLayer) -> str:
    """"Data released 5 December 2026 · Map made 6 December 2026 with JiN (…)"."""
    released = release_date(layer)
    made = tr("Map made {date} with JiN (Joined-up Information Nottinghamshire)").format(
        date=day_words(date.today(), long=True))
    return (tr("Data released {date}").format(date=day_words(released, long=True)) + " · " + made) if released else made


def _footer_texts(layout: QgsPrintLayout, layer: QgsVectorLayer) -> None:
    _set_texts(layout, {"disclosure": disclosure_note(layer), "source": credits(layer), "produced": dates_line(layer)})


def _set_texts(layout: QgsPrintLayout, texts: dict[str, str]) -> None:
    """Set the labels' texts, each shrunk (not below MIN_TEXT_PT) until it fits its frame."""
    for item_id, text in texts.items():
        item = layout.itemById(item_id)
        if isinstance(item, QgsLayoutItemLabel):
            item.setText(text)
            font = label_font(item)
            while text_overflow(item) > 0 and font.pointSizeF() > MIN_TEXT_PT:
                font.setPointSizeF(max(MIN_TEXT_PT, font.pointSizeF() - 0.5))
                set_label_font(item, font)


def text_overflow(label: QgsLayoutItemLabel) -> float:
    """How many millimetres ``label``'s text, word-wrapped as the label wraps it, overruns its frame
    (the larger of width and height; 0 or less when it fits)."""
    font = label_font(label)
    font.setPointSizeF(font.pointSizeF() * 10)             # measured at 72 dpi ×10: 1 px = 0.1 pt
    device = QImage(1, 1, QImage.Format.Format_ARGB32)
    device.setDotsPerMeterX(round(72 / 0.0254))
    device.setDotsPerMeterY(round(72 / 0.0254))
    metrics = QFontMetricsF(font, device)
    to_mm = PT_MM / 10
    rect = label.rect()                                     # layout units: mm
    width = rect.width() - 2 * label.marginX()
    height = rect.height() - 2 * label.marginY()
    lines, widest = 0, 0.0
    for paragraph in label.currentText().split("\n"):
        line = ""
        lines += 1
        for word in paragraph.split():
            widest = max(widest, metrics.horizontalAdvance(word) * to_mm)
            trial = f"{line} {word}".strip()
            if line and metrics.horizontalAdvance(trial) * to_mm > width:
                lines += 1
                line = word
            else:
                line = trial
    needed = lines * metrics.lineSpacing() * to_mm
    return max(widest - width, needed - height)


def _fit(extent: QgsRectangle, item: QgsLayoutItemMap) -> QgsRectangle:
    """``extent`` grown to the item's shape (setExtent would otherwise resize the item to the data)."""
    size = item.sizeWithUnits()
    ratio = size.width() / size.height()
    cx, cy = extent.center().x(), extent.center().y()
    w, h = extent.width(), extent.height()
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    return QgsRectangle(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def description(layer: QgsVectorLayer) -> list[str]:
    """What — geography — period — measure: the full description in the layer's metadata title (its
    name is the short form), else its name."""
    return [p.strip() for p in (layer.metadata().title() or layer.name()).split("—")]


def _visible_layers(project: Optional[QgsProject]) -> list[QgsMapLayer]:
    """The project's layers ticked visible in the Layers panel, top first."""
    root = project.layerTreeRoot() if project is not None else None
    return [lyr for lyr in (root.layerOrder() if root is not None else [])
            if root.findLayer(lyr.id()) is not None and root.findLayer(lyr.id()).isVisible()]


def _main_layers(layer: QgsVectorLayer, project: Optional[QgsProject],
                 districts: Optional[QgsVectorLayer]) -> list[QgsMapLayer]:
    """What the main map draws: [] (the project's visible layers, following them) when ``layer`` is
    one of them and no other JiN theme would cover it; the visible layers without those other themes
    when one would; ``districts`` over ``layer`` when ``layer`` is hidden or not in the project."""
    shown = _visible_layers(project)
    if not any(lyr is layer for lyr in shown):
        return [districts, layer] if districts is not None else [layer]
    covering = {lyr.id() for lyr in jin_layers(project) if lyr is not layer and lyr.fields().indexOf("status") >= 0}
    return [lyr for lyr in shown if lyr.id() not in covering] if covering & {lyr.id() for lyr in shown} else []


def fill(layout: QgsPrintLayout, layer: QgsVectorLayer, title: Optional[str] = None,
         subtitle: Optional[str] = None, logo: Optional[Path] = None,
         districts: Optional[QgsVectorLayer] = None) -> QgsPrintLayout:
    """Point the template at ``layer``: texts from its name and metadata, the map framed on it, the
    locator and the legend.

    The map draws the project's visible layers, so the analyst's context prints too (see
    ``_main_layers``). The locator shows ``districts`` (else ``layer``) as a plain county shape."""
    parts = description(layer)
    source = layer.customProperty("jin/dataset_title", "")
    maps = [layout.itemById(item_id) for item_id in ("map", "inset")]
    for item_id, item in zip(("map", "inset"), maps):
        if not isinstance(item, QgsLayoutItemMap):
            raise LayoutError(tr("the template has no map item '{item}'").format(item=item_id))
    _show(maps[0], layer, draw=_main_layers(layer, layout.project(), districts))
    _locator(maps[1], districts if districts is not None else layer, maps[0])
    _set_texts(layout, {
        "title": title or parts[0],
        "subtitle": subtitle or " · ".join(([source] if source and source != parts[0] else []) + parts[1:]),
    })
    _footer_texts(layout, layer)
    legend = layout.itemById("legend")
    if isinstance(legend, QgsLayoutItemLegend):
        legend.setAutoUpdateModel(False)
        root = legend.model().rootGroup()
        root.clear()
        node = root.addLayer(layer)
        # the legend heads its classes with the measure ("Count"), not the whole layer name again
        node.setCustomProperty("legend/title-label", parts[-1][:1].upper() + parts[-1][1:] if len(parts) > 1
                              else layer.name())     # "Rate per 1,000 residents (Census 2021)": names keep capitals
        _unit_in_title_only(legend, node, unit_of(layer, str(layer.customProperty("jin/styled_field", "") or "")))
        _note_on_the_page_only(legend, node)
        footer = layout.itemById("disclosure")
        page = layout.pageCollection().page(0).pageSize()
        _fit_legend(legend, footer.pagePos().y() - 2 if footer is not None else page.height() - 10,
                    page.width() - 10)
    picture = layout.itemById("logo")
    if isinstance(picture, QgsLayoutItemPicture) and logo is not None:
        picture.setPicturePath(str(logo))
    return layout


def add_layout(project: QgsProject, page: str, layer: QgsVectorLayer,
               districts: Optional[QgsVectorLayer] = None) -> QgsPrintLayout:
    """The ``page`` template filled from ``layer``, added to ``project`` under the layer's name (made
    unique only when the project already has a layout of that name)."""
    layout = fill(load_template(project, page), layer, districts=districts)
    manager = project.layoutManager()
    layout.setName(unique(layer.name(), {other.name() for other in manager.layouts()}))
    manager.addLayout(layout)
    return layout


def _pdf_settings(layout: QgsPrintLayout, dpi: int) -> QgsLayoutExporter.PdfExportSettings:
    """PDF settings with labels as text, so readers can select and search it (3.40+ default to outlines)."""
    layout.renderContext().setTextRenderFormat(TEXT_ALWAYS_TEXT)
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    settings.textRenderFormat = TEXT_ALWAYS_TEXT
    return settings


def export(layout: QgsPrintLayout, path: Path, dpi: int = 300) -> Path:
    """PDF, PNG or SVG by ``path``'s suffix."""
    exporter = QgsLayoutExporter(layout)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        settings = _pdf_settings(layout, dpi)
        result = exporter.exportToPdf(str(path), settings)
    elif suffix == ".png":
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = dpi
        result = exporter.exportToImage(str(path), settings)
    elif suffix == ".svg":
        settings = QgsLayoutExporter.SvgExportSettings()
        settings.dpi = dpi
        settings.textRenderFormat = TEXT_ALWAYS_TEXT
        result = exporter.exportToSvg(str(path), settings)
    else:
        raise LayoutError(tr("export as .pdf, .png or .svg"))
    if result != QgsLayoutExporter.ExportResult.Success:
        raise LayoutError(tr("could not export {name} (error {code}): check the folder is writable")
                          .format(name=path.name, code=int(result)))
    return path


def atlas_pdf(layout: QgsPrintLayout, coverage: QgsVectorLayer, path: Path, name_field: str = "area_name",
              dpi: int = 200) -> int:
    """One page per feature of ``coverage`` (districts, wards, zones), the map zoomed to each,
    the classes unchanged, all in one PDF. Returns the number of pages."""
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setHideCoverage(False)
    atlas.setPageNameExpression(f'"{name_field}"')
    atlas.setEnabled(True)
    main = layout.itemById("map")
    if not main.keepLayerSet():
        # locked for the atlas: the coverage (districts or zones, often themed) would otherwise
        # cover the mapped layer on every page; the district outlines stay
        main.setLayers([lyr for lyr in _visible_layers(layout.project())
                        if lyr is not coverage or lyr.customProperty(CONTEXT_KEY)])
        main.setKeepLayerSet(True)
    main.setAtlasDriven(True)
    main.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    main.setAtlasMargin(0.08)
    subtitle = layout.itemById("subtitle")
    if isinstance(subtitle, QgsLayoutItemLabel):
        subtitle.setText(f'[% "{name_field}" %] · {subtitle.text()}')
    settings = _pdf_settings(layout, dpi)
    result, error = QgsLayoutExporter.exportToPdf(atlas, str(path), settings)
    if result != QgsLayoutExporter.ExportResult.Success:
        raise LayoutError(tr("could not export the atlas: {error}").format(error=error))
    return atlas.count()


def comparison_layout(project: QgsProject, layers: list[QgsVectorLayer], title: str, page: str = "a4-landscape",
                      legend_image: Optional[Path] = None) -> QgsPrintLayout:
    """Two or three maps side by side, one shared legend (give the layers shared breaks first), or
    with ``legend_image`` (the bivariate square) in place of the legend."""
    if not 1 <= len(layers) <= 3:
        raise LayoutError(tr("a comparison layout shows one to three maps"))
    w, h = PAGES[page]
    layout = _blank(project, f"JiN comparison: {title}", w, h)
    _label(layout, "title", title, 10, 7, w - 20, 10, 18, bold=True)
    legend_w = 62
    gap = 4
    map_w = (w - 20 - legend_w - gap * len(layers)) / len(layers)
    map_h = h - 70
    for i, layer in enumerate(layers):
        x = 10 + i * (map_w + gap)
        parts = description(layer)
        _label(layout, f"caption{i + 1}", " · ".join(parts[1:]) or layer.name(), x, 21, map_w, 9, 9)
        _show(_map(layout, f"map{i + 1}", x, 31, map_w, map_h), layer)
    legend_x = 10 + len(layers) * (map_w + gap)
    if legend_image is not None:
        picture = QgsLayoutItemPicture(layout)
        picture.setId("legend")
        picture.setPicturePath(str(legend_image))
        picture.attemptMove(QgsLayoutPoint(legend_x, 31, MM))
        picture.attemptResize(QgsLayoutSize(legend_w - 4, legend_w - 4, MM))
        layout.addLayoutItem(picture)
    else:
        legend = QgsLayoutItemLegend(layout)
        legend.setId("legend")
        legend.setTitle("")
        legend.setAutoUpdateModel(False)
        root = legend.model().rootGroup()
        root.clear()
        node = root.addLayer(layers[0])
        node.setCustomProperty("legend/title-label", tr("Same classes on every map"))
        legend.attemptMove(QgsLayoutPoint(legend_x, 31, MM))
        layout.addLayoutItem(legend)
        legend.adjustBoxSize()
    _footer(layout, w, h)
    _footer_texts(layout, layers[0])
    return layout
