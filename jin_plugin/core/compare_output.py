"""What a comparison leaves behind: a result layer (GeoPackage, EPSG:27700, fields documented in
its metadata) styled with the cluster colours analysts know from GeoDa, two plots, and a one-page
HTML summary that also exports to PDF."""

from __future__ import annotations

import base64
import html
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayerMetadata,
    QgsRendererCategory,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMarginsF, QRectF, QSizeF, Qt
from qgis.PyQt.QtGui import (
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from .compare import Result
from .compat import DOUBLE, INT, STRING, WKB_MULTIPOLYGON, FieldType
from .layers import bng
from .stats.local import CLUSTER_LABELS, GI_LABELS

#: GeoDa's LISA cluster colours.
CLUSTER_COLOURS = {"High-High": "#d7191c", "Low-Low": "#2c7bb6", "Low-High": "#abd9e9", "High-Low": "#fdae61",
                   "Not significant": "#eeeeee", "Excluded (value withheld or missing)": "#bdbdbd"}
EXCLUDED = "Excluded (value withheld or missing)"
#: Gi* bins in the colours ArcGIS users know.
HOTSPOT_COLOURS = {"Hot spot, 99% confidence": "#d62f27", "Hot spot, 95% confidence": "#ed7551",
                   "Hot spot, 90% confidence": "#fab984", "Not significant": "#f7f7f2",
                   "Cold spot, 90% confidence": "#c0ccbe", "Cold spot, 95% confidence": "#849eba",
                   "Cold spot, 99% confidence": "#4575b5", EXCLUDED: "#bdbdbd"}
MAIN_STYLE = "Bivariate LISA clusters"


def _fields(result: Result) -> list[tuple[str, FieldType, str]]:
    """(name, type, meaning) of every result field."""
    out = [("area_code", STRING, "ONS area code"), ("area_name", STRING, "area name"),
           ("analysed", INT, "1 if every measure had a value here, else 0 (excluded)")]
    for j, label in enumerate(result.inputs.labels, 1):
        out += [(f"m{j}_value", DOUBLE, f"measure {j}: {label}"),
                (f"m{j}_tested", DOUBLE, f"measure {j} as tested ({_smoothing_words(result)})"),
                (f"m{j}_lisa_i", DOUBLE, f"local Moran's I of measure {j}"),
                (f"m{j}_lisa_p", DOUBLE, f"two-sided pseudo p-value of m{j}_lisa_i "
                                                  f"({result.options.permutations} conditional permutations)"),
                (f"m{j}_cluster", STRING, f"LISA cluster of measure {j} (High-High, Low-Low, ...)"),
                (f"m{j}_gi_z", DOUBLE, f"Getis-Ord Gi* z-score of measure {j}"),
                (f"m{j}_gi_p", DOUBLE, f"two-sided p-value of m{j}_gi_z"),
                (f"m{j}_hotspot", STRING, f"Gi* hot or cold spot of measure {j} with its confidence")]
    out += [("bv_lisa_i", DOUBLE, "bivariate local Moran's I: measure 1 here against measure 2 around"),
            ("bv_lisa_p", DOUBLE, "two-sided pseudo p-value of bv_lisa_i"),
            ("bv_cluster", STRING, "bivariate LISA cluster (High-High: high measure 1 amid high "
                                            "measure 2)"),
            ("hot_in", STRING, "measures whose Gi* hot spot covers this area")]
    return out


def _rows(result: Result) -> list[list]:
    keep, n = result.keep, len(result.inputs.codes)
    where = np.full(n, -1)
    where[keep] = np.arange(keep.sum())
    rows = []
    for i in range(n):
        k = where[i]
        row = [result.inputs.codes[i], result.inputs.names[i], int(k >= 0)]
        for j in range(len(result.inputs.labels)):
            value = result.inputs.values[i, j]
            if k < 0:
                row += [None if np.isnan(value) else float(value), None, None, None, EXCLUDED, None, None, EXCLUDED]
                continue
            lisa, gi = result.lisa[j], result.gi[j]
            row += [float(value), float(result.analysed[k, j]), float(lisa.statistic[k]), _maybe(lisa.p_two_sided[k]),
                    CLUSTER_LABELS[int(lisa.cluster[k])], float(gi.z[k]), float(gi.p_norm[k]),
                    GI_LABELS[int(gi.bins[k])]]
        if k < 0:
            row += [None, None, EXCLUDED, None]
        else:
            bv = result.bivariate
            row += [float(bv.statistic[k]), _maybe(bv.p_two_sided[k]), CLUSTER_LABELS[int(bv.cluster[k])],
                    result.hot_in[k] or None]
        rows.append(row)
    return rows


def _maybe(v: float):
    return None if np.isnan(v) else float(v)


def write_areas(path: Path, spec: list[tuple[str, FieldType, str]], wkbs: list[bytes], rows: list[list],
                layer_name: str) -> Path:
    """Areas with ``spec`` fields as a GeoPackage in EPSG:27700, written to a temporary name first."""
    fields = QgsFields()
    for name, kind, _ in spec:
        fields.append(QgsField(name, kind))
    tmp = path.with_suffix(".partial.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", layer_name
    writer = QgsVectorFileWriter.create(str(tmp), fields, WKB_MULTIPOLYGON, bng(),
                                        QgsCoordinateTransformContext(), options)
    for wkb, row in zip(wkbs, rows):
        feature = QgsFeature(fields)
        geom = QgsGeometry()
        geom.fromWkb(wkb)
        geom.convertToMultiType()
        feature.setGeometry(geom)
        feature.setAttributes(row)
        writer.addFeature(feature)
    del writer
    tmp.replace(path)
    return path


def write_result(result: Result, path: Path) -> Path:
    """The comparison result layer (GeoPackage)."""
    return write_areas(path, _fields(result), result.inputs.wkbs, _rows(result), "comparison")


def describe(layer: QgsVectorLayer, spec: list[tuple[str, FieldType, str]], method: str,
             sources: list[str]) -> None:
    """Layer metadata listing every field, the method and the sources, so exported files carry them."""
    md = QgsLayerMetadata()
    md.setTitle(layer.name())
    md.setAbstract("Fields:\n" + "\n".join(f"- {name}: {meaning}" for name, _, meaning in spec) + "\n\n" + method)
    md.setLicenses(["Open Government Licence v3.0 (boundaries); partner data under the JiN sharing protocol"])
    md.setHistory([f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from: " + "; ".join(sources)])
    layer.setMetadata(md)


def open_result(path: Path, result: Result) -> QgsVectorLayer:
    """Open the result layer with its metadata and the bivariate cluster style."""
    layer = QgsVectorLayer(f"{path}|layername=comparison", "Comparison: " + " × ".join(result.inputs.labels), "ogr")
    describe(layer, _fields(result), "JiN cross-dataset comparison. " + method_text(result), result.inputs.sources)
    _add_styles(layer, result.inputs.labels)
    return layer


def apply_categories(layer: QgsVectorLayer, field: str, colours: dict[str, str],
                     names: dict[str, str] | None = None) -> None:
    """One legend entry per category (shown even when empty), in the given colours, named by
    ``names`` where given (the stored value otherwise)."""
    categories = []
    for value, colour in colours.items():
        symbol = QgsFillSymbol.createSimple({"color": colour, "outline_color": "#7f7f7f", "outline_width": "0.1"})
        categories.append(QgsRendererCategory(value, symbol, (names or {}).get(value, value)))
    layer.setRenderer(QgsCategorizedSymbolRenderer(field, categories))


def cluster_names(own: str, around: str) -> dict[str, str]:
    """LISA legend entries saying which measure is which: "High-Low: high <own>, low <around>
    around it" (an area's own measure first, its neighbours' second)."""
    names = {}
    for value in CLUSTER_COLOURS:
        if value.count("-") == 1 and value.split("-")[0] in ("High", "Low"):
            mine, theirs = value.lower().split("-")
            names[value] = f"{value}: {mine} {own}, {theirs} {around} around it"
    return names


def _add_styles(layer: QgsVectorLayer, labels: list[str]) -> None:
    """Named styles to switch between (Layer Properties ▸ Style): bivariate clusters (current), then
    each measure's own LISA clusters and Gi* hot spots."""
    manager = layer.styleManager()
    for j, label in enumerate(labels, 1):
        for name, field, colours in ((f"LISA clusters: {label}", f"m{j}_cluster", CLUSTER_COLOURS),
                                     (f"Gi* hot spots: {label}", f"m{j}_hotspot", HOTSPOT_COLOURS)):
            apply_categories(layer, field, colours, cluster_names(label, label) if "cluster" in field else None)
            manager.addStyleFromLayer(name)
    apply_cluster_style(layer, labels=labels)
    manager.addStyleFromLayer(MAIN_STYLE)
    manager.setCurrentStyle(MAIN_STYLE)


def apply_cluster_style(layer: QgsVectorLayer, field: str = "bv_cluster", labels: list[str] | None = None) -> None:
    """Categories in GeoDa's LISA colours; with the measures' ``labels``, the legend says which is
    the area's own (the first) and which its neighbours' (the second)."""
    apply_categories(layer, field, CLUSTER_COLOURS, cluster_names(labels[0], labels[1]) if labels else None)


def _smoothing_words(result: Result) -> str:
    return {"none": "as published", "eb": "empirical Bayes smoothed towards the county rate",
            "spatial_eb": "spatial empirical Bayes smoothed towards the neighbourhood rate"}[result.options.smoothing]


def method_text(result: Result) -> str:
    o, w = result.options, result.weights
    islands = "; ".join(w.notes) or "no islands"
    return (f"Values {_smoothing_words(result)}. "
            f"{w.kind.capitalize()} contiguity, row-standardised ({islands}). {o.permutations} conditional "
            f"permutations{f' (seed {o.seed})' if o.seed is not None else ''}; two-sided significance at {o.alpha:g}"
            f"{'' if o.adjustment == 'none' else f' after {o.adjustment.upper()} adjustment'}. Gi* with binary "
            "weights including the area itself; hot spots at "
            f"{ {1: '90', 2: '95', 3: '99'}[o.hot_confidence]}% confidence. Correlations tested with Dutilleul's "
            "effective sample size for spatial autocorrelation.")


#: Axis titles longer than this many characters at 8 pt are wrapped (horizontal, vertical axis).
TITLE_WRAP = {"x": 60, "y": 45}


@dataclass
class Plot:
    """A plot for the PDF: the picture without axis titles, which the PDF sets as text beside it."""

    png: bytes
    x_title: str
    y_title: str


def _plot_specs(result: Result) -> dict[str, tuple]:
    """Per plot: x values, y values, x title, y title, and the slope to draw (Moran) or None."""
    x = result.analysed
    a, b = x[:, 0], x[:, 1]
    za, zb = (a - a.mean()) / a.std(), (b - b.mean()) / b.std()
    labels = result.inputs.labels
    return {"moran": (za, result.weights.lag(zb), f"{labels[0]} (z)", f"neighbours' {labels[1]} (lag z)",
                      result.globals_[-2].value),
            "scatter": (a, b, labels[0], labels[1], None)}


def _figure(result: Result, spec: tuple, dpi: int):
    from matplotlib.figure import Figure

    px, py, _, _, slope = spec
    fig = Figure(figsize=(5, 4), dpi=dpi)
    ax = fig.add_subplot()
    colours = [CLUSTER_COLOURS[CLUSTER_LABELS[int(c)]] for c in result.bivariate.cluster]
    ax.scatter(px, py, s=10, c=colours, edgecolors="#555555", linewidths=0.2)
    if slope is not None:
        ax.axhline(0, color="#999999", lw=0.6)
        ax.axvline(0, color="#999999", lw=0.6)
        grid = np.linspace(px.min(), px.max(), 2)
        ax.plot(grid, slope * grid, color="#333333", lw=1)
        ax.set_title(f"Bivariate Moran's I = {slope:.3f}")
    else:
        ax.set_title(f"Pearson r = {result.correlations[0].r:.3f}")
    return fig, ax


def _fit_titles(fig, ax, x_title: str, y_title: str) -> None:
    """Wrapped axis titles, smaller if need be, until each lies wholly inside the figure: a long
    layer name must not run off the picture."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    for size in (8, 7, 6, 5):
        ax.set_xlabel(textwrap.fill(x_title, TITLE_WRAP["x"] * 8 // size), fontsize=size)
        ax.set_ylabel(textwrap.fill(y_title, TITLE_WRAP["y"] * 8 // size), fontsize=size)
        fig.tight_layout()
        boxes = [label.get_window_extent(renderer) for label in (ax.xaxis.label, ax.yaxis.label)]
        if all(b.x0 >= 0 and b.y0 >= 0 and b.x1 <= fig.bbox.x1 and b.y1 <= fig.bbox.y1 for b in boxes):
            return


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def plots(result: Result) -> dict[str, bytes]:
    """PNG bytes: the bivariate Moran scatter plot and the scatter of the two measures, their axis
    titles wrapped to fit."""
    import matplotlib

    matplotlib.use("Agg")
    out = {}
    for name, spec in _plot_specs(result).items():
        fig, ax = _figure(result, spec, 110)
        _fit_titles(fig, ax, spec[2], spec[3])
        out[name] = _png(fig)
    return out


def pdf_plots(result: Result) -> list[Plot]:
    """The same plots for the PDF: sharper, and with their axis titles apart, to be set as text."""
    import matplotlib

    matplotlib.use("Agg")
    out = []
    for spec in _plot_specs(result).values():
        fig, _ = _figure(result, spec, 220)
        fig.tight_layout()
        out.append(Plot(_png(fig), spec[2], spec[3]))
    return out


def report_html(result: Result, images: dict[str, bytes]) -> str:
    """A one-page summary: the data, method, global statistics, co-location and the plots."""
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(g.name)}{'' if i < len(result.inputs.labels) else ' (measures 1 × 2)'}"
                   f"{f' — {esc(result.inputs.labels[i])}' if i < len(result.inputs.labels) else ''}</td>"
                   f"<td>{g.value:.4f}</td><td>{g.p_sim:.3f}</td></tr>" for i, g in enumerate(result.globals_))
    corr = "".join(f"<tr><td>{c.method}</td><td>{c.r:.3f}</td><td>{c.p_naive:.2g}</td><td>{c.n_effective:.0f} of "
                   f"{c.n}</td><td>{c.p_adjusted:.2g}</td></tr>" for c in result.correlations)
    combos = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in result.combinations.items())
    clusters = np.bincount(result.bivariate.cluster, minlength=5)
    cluster_rows = "".join(f"<tr><td>{CLUSTER_LABELS[c]}</td><td>{clusters[c]}</td></tr>" for c in (1, 3, 2, 4, 0))
    excluded = ", ".join(f"{v} {k}" for k, v in result.inputs.excluded.items() if v) or "none"
    pics = "".join(f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" width="330"/>'
                   for png in images.values())
    measures = "".join(f"<li>{esc(label)}</li>" for label in result.inputs.labels)
    return f"""<html><head><meta charset="utf-8"><title>JiN comparison</title>
<style>body{{font-family:sans-serif;font-size:10pt}} td,th{{border:1px solid #ccc;padding:2px 6px}}
table{{border-collapse:collapse;margin-bottom:8px}}</style></head><body>
<h2>JiN comparison</h2>
<p><b>Measures:</b></p><ol>{measures}</ol>
<p><b>Areas analysed:</b> {int(result.keep.sum())} of {len(result.keep)} (excluded: {esc(excluded)}; withheld
values are never treated as zero).</p>
<p><b>Method:</b> {esc(method_text(result))}</p>
<h3>Global</h3><table><tr><th>Statistic</th><th>Value</th><th>Pseudo p</th></tr>{rows}</table>
<table><tr><th>Correlation (1 × 2)</th><th>r</th><th>p, areas independent</th><th>Effective areas</th>
<th>p, spatially adjusted</th></tr>{corr}</table>
<h3>Bivariate LISA clusters (measure 1 × neighbours' measure 2)</h3><table>{cluster_rows}</table>
<h3>Hot spots together (Gi*)</h3><table><tr><th>Hot in</th><th>Areas</th></tr>{combos}</table>
<p>{pics}</p>
<p style="font-size:8pt">Sources: {esc('; '.join(result.inputs.sources))}. Produced
{datetime.now(timezone.utc):%d %b %Y %H:%M} UTC by the JiN QGIS plugin. Boundaries: Office for National Statistics,
Open Government Licence v3.0.</p></body></html>"""


def export_pdf(html_text: str, path: Path, figures: Sequence[Plot] = ()) -> Path:
    """The summary on exactly one A4 page: the text, then ``figures`` side by side with their axis
    titles set as text (wrapped, never cut). If it all would not fit, the page is scaled down."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDocumentMargin(0)
    doc.setHtml(html_text)
    font = QFont(doc.defaultFont())
    font.setPointSizeF(8)
    metrics = QFontMetricsF(font, writer)
    strip = metrics.lineSpacing() * 3.2                    # room for three lines of an axis title
    gap = metrics.lineSpacing()
    images = [QImage.fromData(f.png) for f in figures]

    def plot_size(width: float) -> QSizeF:
        """One plot with its title strips, when the page's content is ``width`` wide."""
        if not images:
            return QSizeF(0, 0)
        w = (width - gap * (len(images) - 1)) / len(images)
        picture = images[0]
        return QSizeF(w, (w - strip) * picture.height() / picture.width() + strip)

    scale = 1.0
    for _ in range(4):                                     # widen the text as it shrinks, until it all fits
        doc.setTextWidth(page.width() / scale)
        height = doc.size().height() + (gap + plot_size(page.width() / scale).height() if images else 0)
        if height * scale <= page.height():
            break
        scale = page.height() / height
    painter = QPainter(writer)
    painter.scale(scale, scale)
    doc.drawContents(painter)
    size, top = plot_size(page.width() / scale), doc.size().height() + gap
    wrap = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
    for i, (figure, picture) in enumerate(zip(figures, images)):
        left = i * (size.width() + gap)
        frame = QRectF(left + strip, top, size.width() - strip, size.height() - strip)
        painter.drawImage(frame, picture)
        painter.setFont(_fitting(font, writer, figure.x_title, frame.width(), strip, wrap))
        painter.drawText(QRectF(frame.left(), frame.bottom(), frame.width(), strip), wrap, figure.x_title)
        painter.save()
        painter.translate(left, frame.bottom())
        painter.rotate(-90)
        painter.setFont(_fitting(font, writer, figure.y_title, frame.height(), strip, wrap))
        painter.drawText(QRectF(0, 0, frame.height(), strip), wrap, figure.y_title)
        painter.restore()
    painter.end()
    return path


def _fitting(font: QFont, device: QPaintDevice, text: str, width: float, height: float, flags: int) -> QFont:
    """``font``, made smaller until ``text`` wrapped to ``width`` is at most ``height`` tall."""
    fitted = QFont(font)
    while fitted.pointSizeF() > 4:
        needed = QFontMetricsF(fitted, device).boundingRect(QRectF(0, 0, width, 1e6), flags, text)
        if needed.height() <= height and needed.width() <= width:
            break
        fitted.setPointSizeF(fitted.pointSizeF() - 0.5)
    return fitted
