"""Print layouts: templates (A4/A3, portrait/landscape) filled from a JiN layer, exported to PDF,
PNG or SVG, and atlases (one page per district, ward or zone, same classes on every page).

The templates are ordinary QGIS ``.qpt`` files in ``resources/layouts`` (written by
``scripts/make_layout_templates.py`` from ``build_template``), so an office can restyle them in
the layout designer; filling looks items up by id.
"""

from __future__ import annotations

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
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QFont
from qgis.PyQt.QtXml import QDomDocument

from ..i18n import tr
from .compat import DISTANCE_KM, LAYOUT_MM, TEXT_ALWAYS_TEXT, set_label_font
from .layers import ONS_ATTRIBUTION

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "resources" / "layouts"
MM = LAYOUT_MM
PAGES = {"a4-landscape": (297, 210), "a4-portrait": (210, 297), "a3-landscape": (420, 297),
         "a3-portrait": (297, 420)}
NORTH_ARROW = ":/images/north_arrows/layout_default_north_arrow.svg"


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


def _show(item: QgsLayoutItemMap, layer: QgsVectorLayer, margin: float = 1.04) -> None:
    """Draw only ``layer`` in ``item``, all of it, in its CRS, keeping the item's shape."""
    extent = layer.extent()
    extent.scale(margin)
    item.setLayers([layer])
    item.setKeepLayerSet(True)
    item.setCrs(layer.crs())
    item.setExtent(_fit(extent, item))


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
    inset = _map(layout, "inset", right_x, panel_y, inset_w, inset_w * 0.9)
    overview = QgsLayoutItemMapOverview("extent", inset)
    overview.setLinkedMap(main)
    overview.setFrameSymbol(QgsFillSymbol.createSimple({"color": "200,0,0,30", "outline_color": "#c00000",
                                                        "outline_width": "0.5"}))
    inset.overviews().addOverview(overview)
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("")
    legend.setLinkedMap(main)
    legend_x = right_x if landscape else right_x + inset_w + 6
    legend_y = panel_y + inset_w * 0.9 + 4 if landscape else panel_y
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
    bar.setUnitLabel("km")
    bar.attemptMove(QgsLayoutPoint(14, 28 + map_h - 14, MM))
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
    _label(layout, "disclosure", "Disclosure", 10, h - 34, w - 20, 11, 7)
    _label(layout, "source", "Source", 10, h - 22, w - 20, 9, 7)
    _label(layout, "produced", "Produced", 10, h - 12, w - 20, 5, 7)
    return layout


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


def _disclosure(layer: QgsVectorLayer) -> str:
    abstract = layer.metadata().abstract()
    marker = "Disclosure control:"
    return abstract[abstract.index(marker):].strip() if marker in abstract else ""


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


def fill(layout: QgsPrintLayout, layer: QgsVectorLayer, title: Optional[str] = None,
         subtitle: Optional[str] = None, logo: Optional[Path] = None) -> QgsPrintLayout:
    """Point the template at ``layer``: texts from its name and metadata, map, inset and legend."""
    parts = [p.strip() for p in layer.name().split("—")]          # what — geography — period — measure
    source = layer.customProperty("jin/dataset_title", "")
    texts = {
        "title": title or parts[0],
        "subtitle": subtitle or " · ".join(([source] if source and source != parts[0] else []) + parts[1:]),
        "disclosure": _disclosure(layer),
        "source": credits(layer),
        "produced": tr("Produced {date} with JiN (Joined-up Information Nottinghamshire)").format(
            date=f"{date.today():%d %B %Y}")
                    + (" · " + tr("release {release}").format(release=layer.customProperty("jin/release"))
                       if layer.customProperty("jin/release") else ""),
    }
    for item_id, text in texts.items():
        item = layout.itemById(item_id)
        if isinstance(item, QgsLayoutItemLabel):
            item.setText(text)
    for item_id, margin in (("map", 1.04), ("inset", 1.15)):     # inset: the county around the map's frame
        item = layout.itemById(item_id)
        if not isinstance(item, QgsLayoutItemMap):
            raise LayoutError(tr("the template has no map item '{item}'").format(item=item_id))
        _show(item, layer, margin)
    legend = layout.itemById("legend")
    if isinstance(legend, QgsLayoutItemLegend):
        legend.setAutoUpdateModel(False)
        root = legend.model().rootGroup()
        root.clear()
        node = root.addLayer(layer)
        # the legend heads its classes with the measure ("Count"), not the whole layer name again
        node.setCustomProperty("legend/title-label", parts[-1].capitalize() if len(parts) > 1 else layer.name())
        legend.adjustBoxSize()
    picture = layout.itemById("logo")
    if isinstance(picture, QgsLayoutItemPicture) and logo is not None:
        picture.setPicturePath(str(logo))
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
        parts = [p.strip() for p in layer.name().split("—")]
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
    disclosure = _disclosure(layers[0])
    _label(layout, "disclosure", disclosure, 10, h - 34, w - 20, 11, 7)
    _label(layout, "source", credits(layers[0]), 10, h - 22, w - 20, 9, 7)
    _label(layout, "produced", tr("Produced {date} with JiN").format(date=f"{date.today():%d %B %Y}"), 10, h - 12,
           w - 20, 5, 7)
    return layout
