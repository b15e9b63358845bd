"""Cross-dataset comparisons on layers fetched from the real hub: the synthetic demo's built-in
relationship (truancy with criminal damage) is found, shuffled data finds only the expected false
positives, withheld values are excluded and counted, and the outputs are complete."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jin_plugin.core.compare import CompareError, Measure, Options, analyse, read_inputs
from jin_plugin.core.compare_output import export_pdf, open_result, plots, report_html, write_result
from jin_plugin.core.layers import open_layer
from jin_plugin.core.workflow import fetch_layer_blocking

TRUANCY = ("school_attendance", "Persistently absent", None)
DAMAGE = ("police_crime", "Criminal damage and arson", "2024")
ARSON = ("fire_incidents", "Secondary fire, deliberate (minor arson)", "2024")


@pytest.fixture(scope="module")
def layer_files(hub_url, analyst_authcfg, tmp_path_factory) -> dict[str, Path]:
    """The three layers, fetched once (files only: each test opens its own layers, and drops them)."""
    import os

    os.environ["JIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("compare_cache"))
    files = {}
    for name, (dataset, category, period) in {"truancy": TRUANCY, "damage": DAMAGE, "arson": ARSON}.items():
        layer = fetch_layer_blocking(hub_url, dataset, "lsoa", period, category, authcfg=analyst_authcfg, style=False)
        files[name] = Path(layer.source().split("|")[0])
        del layer
    return files


def measures(files: dict[str, Path], *names: str) -> list[Measure]:
    """Measures on freshly opened layers. (Layers held by a pytest fixture outlive the test and
    crash QGIS 3.22's OGR connection pool when freed at teardown, so tests own their layers.)"""
    return [Measure(open_layer(files[n]), "rate", n) for n in names]


def test_truancy_and_criminal_damage_cluster_together(layer_files, tmp_path):
    inputs = read_inputs(measures(layer_files, "truancy", "damage"))
    result = analyse(inputs, Options(permutations=499, seed=1))
    n = int(result.keep.sum())
    print(f"analysed {n}; excluded {inputs.excluded}")
    assert inputs.excluded["withheld or missing"] > 0 and n + sum(inputs.excluded.values()) == 679
    bv = result.globals_[len(inputs.labels)]
    assert bv.name == "Bivariate Moran's I" and bv.value > 0 and bv.p_sim <= 0.01
    pearson = result.correlations[0]
    assert pearson.r > 0.2 and pearson.n_effective < n and pearson.p_adjusted < 0.05
    assert (result.bivariate.cluster == 1).sum() > 5                      # High-High areas exist

    path = write_result(result, tmp_path / "comparison.gpkg")
    layer = open_result(path, result)
    assert layer.isValid() and layer.featureCount() == 679 and layer.crs().authid() == "EPSG:27700"
    feats = list(layer.getFeatures())
    excluded = [f for f in feats if not f["analysed"]]
    assert len(excluded) == 679 - n and all(f["bv_cluster"].startswith("Excluded") for f in excluded)
    assert {f["bv_cluster"] for f in feats} <= {"High-High", "Low-Low", "Low-High", "High-Low", "Not significant",
                                               "Excluded (value withheld or missing)"}
    assert "bv_lisa_p" in layer.metadata().abstract() and "conditional permutations" in layer.metadata().abstract()
    styles = layer.styleManager().styles()
    assert layer.styleManager().currentStyle() == "Bivariate LISA clusters"
    assert "Gi* hot spots: damage" in styles and "LISA clusters: truancy" in styles
    legend = [item.label() for item in layer.renderer().legendSymbolItems()]      # which measure is which
    assert "High-Low: high truancy, low damage around it" in legend and "Not significant" in legend
    images = plots(result)
    assert all(png.startswith(b"\x89PNG") for png in images.values())
    html = report_html(result, images)
    assert "Bivariate Moran" in html and "Effective areas" in html
    pdf = export_pdf(html, tmp_path / "summary.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


def test_shuffled_data_finds_only_chance(layer_files):
    inputs = read_inputs(measures(layer_files, "truancy", "damage"))
    keep = ~np.isnan(inputs.values).any(axis=1)
    rng = np.random.default_rng(7)
    rates = []
    for _ in range(5):
        shuffled = inputs.values.copy()
        shuffled[keep, 1] = rng.permutation(shuffled[keep, 1])
        inputs.values = shuffled
        result = analyse(inputs, Options(permutations=199, seed=int(rng.integers(1e6))))
        rates.append((result.bivariate.cluster > 0).mean())
    # significant at 5 %: about 5 % of areas by chance, no more
    assert 0.01 < np.mean(rates) < 0.09, rates


def test_three_measures_and_hot_spot_co_location(layer_files):
    inputs = read_inputs(measures(layer_files, "truancy", "damage", "arson"))
    result = analyse(inputs, Options(permutations=99, seed=3))
    assert len(result.gi) == 3 and set(result.combinations) == {
        "truancy + damage + arson", "truancy + damage", "truancy + arson", "damage + arson"}
    assert result.combinations["truancy + damage"] >= result.combinations["truancy + damage + arson"]


def test_too_few_areas_is_explained(layer_files):
    with pytest.raises(CompareError, match="two or three"):
        read_inputs(measures(layer_files, "truancy"))
    with pytest.raises(CompareError, match="no field 'nope'"):
        read_inputs([Measure(open_layer(layer_files["truancy"]), "nope"), Measure(open_layer(layer_files["damage"]))])


def test_processing_algorithm_runs_the_same_comparison(layer_files, tmp_path):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsVectorLayer

    from jin_plugin.processing.provider import JinProvider

    registry = QgsApplication.processingRegistry()
    provider = JinProvider()
    assert registry.addProvider(provider)
    try:
        alg = registry.createAlgorithmById("jin:compare")
        assert alg is not None
        out, report = tmp_path / "cmp.gpkg", tmp_path / "cmp.html"
        params = {"LAYER_1": str(layer_files["truancy"]), "FIELD_1": "rate",
                  "LAYER_2": str(layer_files["damage"]), "FIELD_2": "rate", "PERMUTATIONS": 199, "SEED": 5,
                  "OUTPUT": str(out), "REPORT": str(report)}
        context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
        ok, message = alg.checkParameterValues(params, context)
        assert ok, message
        results, ok = alg.run(params, context, feedback)
        assert ok and results["OUTPUT"] == str(out)
        layer = QgsVectorLayer(str(out), "cmp", "ogr")
        assert layer.featureCount() == 679 and layer.fields().indexOf("bv_cluster") >= 0
        assert "Bivariate Moran" in report.read_text(encoding="utf-8")
        del layer
        bad = dict(params, FIELD_2="nope")
        assert not alg.checkParameterValues(bad, context)[0] or not alg.run(bad, context, feedback)[1]
    finally:
        registry.removeProvider(provider)


def test_compare_tab_adds_a_styled_result(qgis_iface, qgis_new_project, layer_files, results_here):
    from qgis.core import QgsProject

    from jin_plugin.ui.dock import JinDock
    from tests.plugin.helpers import wait_until

    project = QgsProject.instance()
    opened = [open_layer(layer_files[n]) for n in ("truancy", "damage")]
    for layer in opened:
        project.addMapLayer(layer)
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.compare_panel
    panel.layers[0].setLayer(opened[0])
    panel.layers[1].setLayer(opened[1])
    panel.fields[0].setField("rate")
    panel.fields[1].setField("rate")
    panel.permutations.setValue(199)
    added = []
    dock.layerAdded.connect(added.append)
    assert panel.compare() is not None
    assert wait_until(lambda: bool(added), 120)
    result = added[0]
    assert result.name().startswith("Comparison:") and result.renderer().type() == "categorizedSymbol"
    assert panel.summary_button.isEnabled() and Path(panel.summary_path).parent == results_here
    assert Path(panel.summary_path).name.startswith(f"compare {opened[0].name()[:40]} vs ")
    assert Path(panel.summary_path).with_suffix(".pdf").exists()
    project.removeAllMapLayers()
    dock.close()


def test_summary_pdf_is_one_page_with_whole_axis_titles(layer_files, tmp_path):
    """The PDF the Compare tab leaves: one A4 page, the axis titles there in full as text, even for
    measures named as long as a layer's full title."""
    from pypdf import PdfReader
    from qgis.core import QgsApplication

    from jin_plugin.core.compare_task import CompareTask
    from tests.plugin.helpers import wait_until

    chosen = [Measure(layer, "rate", f"{layer.metadata().title()} (rate)")
              for layer in (open_layer(layer_files[n]) for n in ("truancy", "damage"))]
    inputs = read_inputs(chosen)
    assert min(len(label) for label in inputs.labels) > 55                 # too long for one line of a plot
    task = CompareTask(inputs, Options(permutations=99, seed=1), tmp_path, "compare test")
    done, failed = [], []
    task.done.connect(lambda layer, html: done.append(html))
    task.failed.connect(failed.append)
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: bool(done or failed), 120) and not failed, failed
    pdf = PdfReader(tmp_path / "compare test.pdf")
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    text = "".join(page.extract_text().split())
    first, second = inputs.labels
    for title in (f"{first} (z)", f"neighbours' {second} (lag z)", first, second):
        assert "".join(title.split()) in text, title
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    where = []                                       # every piece of text starts on the page

    def seen(text, cm, tm, *_) -> None:
        if text.strip():
            where.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))
    page.extract_text(visitor_text=seen)
    assert where and all(0 <= x <= width and 0 <= y <= height for x, y in where)


@pytest.mark.parametrize("method", ["eb", "spatial_eb"])
def test_rate_smoothing_uses_the_published_denominators(layer_files, method):
    from jin_plugin.core.stats import smoothing

    inputs = read_inputs(measures(layer_files, "truancy", "damage"))
    result = analyse(inputs, Options(permutations=99, seed=2, smoothing=method))
    raw = inputs.values[result.keep]
    tested = result.analysed
    assert tested.shape == raw.shape and not np.allclose(tested, raw)
    spread = lambda v: v.std() / v.mean()          # noqa: E731
    assert all(spread(tested[:, j]) < spread(raw[:, j]) for j in range(2))    # shrunk towards a mean
    if method == "eb":
        events, base = inputs.counts[result.keep, 1], inputs.bases[result.keep, 1]
        np.testing.assert_allclose(tested[:, 1], smoothing.empirical_bayes(events, base) * 1000, rtol=1e-9)
    with pytest.raises(CompareError, match="applies to rates"):
        analyse(read_inputs([Measure(open_layer(layer_files["truancy"]), "count"),
                             Measure(open_layer(layer_files["damage"]), "rate")]), Options(smoothing=method))


def test_cancel_leaves_nothing(layer_files, tmp_path):
    from qgis.core import QgsApplication

    from jin_plugin.core.compare_task import CompareTask
    from tests.plugin.helpers import wait_until

    inputs = read_inputs(measures(layer_files, "truancy", "damage"))
    task = CompareTask(inputs, Options(permutations=20_000, seed=1), tmp_path / "out")
    failed, cancelled = [], []
    task.failed.connect(failed.append)
    task.cancelled.connect(cancelled.append)
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: task.progress() > 0, 60)
    task.cancel()
    assert wait_until(lambda: bool(cancelled), 60)          # a notice, not a failure
    assert cancelled[0].startswith("Cancelled: comparing") and not failed
    assert not (tmp_path / "out" / "comparison.gpkg").exists()


def test_change_between_two_periods(hub_url, analyst_authcfg, tmp_path, qgis_iface, results_here):
    """January against March of the same crime: per area, difference and an exact test; withheld
    months are excluded, never differenced against zero. Through the panel and through Processing."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    from jin_plugin.processing.provider import JinProvider
    from jin_plugin.ui.dock import JinDock
    from tests.plugin.helpers import wait_until

    paths = []
    for month in ("2024-01", "2024-03"):
        layer = fetch_layer_blocking(hub_url, "police_crime", "district", month, "all", authcfg=analyst_authcfg)
        paths.append(Path(layer.source().split("|")[0]))
        del layer
    before, after = (open_layer(p) for p in paths)
    project = QgsProject.instance()
    project.addMapLayers([before, after])
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.compare_panel
    panel.change_layers[0].setLayer(before)
    panel.change_layers[1].setLayer(after)
    panel.change_fields[0].setField("count")
    panel.change_fields[1].setField("count")
    added = []
    dock.layerAdded.connect(added.append)
    assert panel.change() is not None
    assert wait_until(lambda: bool(added), 60)
    change = added[0]
    feats = {f["area_code"]: f for f in change.getFeatures()}
    assert len(feats) == 8
    for f in feats.values():
        assert f["difference"] == f["after"] - f["before"]
        assert f["change"] in ("Significant rise", "Significant fall", "No significant change")
    assert change.renderer().type() == "categorizedSymbol"

    registry = QgsApplication.processingRegistry()
    provider = JinProvider()
    registry.addProvider(provider)
    try:
        alg = registry.createAlgorithmById("jin:change")
        out = tmp_path / "change.gpkg"
        params = {"BEFORE": str(paths[0]), "BEFORE_FIELD": "count", "AFTER": str(paths[1]), "AFTER_FIELD": "count",
                  "OUTPUT": str(out)}
        results, ok = alg.run(params, QgsProcessingContext(), QgsProcessingFeedback())
        assert ok and Path(results["OUTPUT"]).exists()
        bad = dict(params, BEFORE_FIELD="rate", AFTER_FIELD="rate")
        assert not alg.run(bad, QgsProcessingContext(), QgsProcessingFeedback())[1]       # rates are not counts
    finally:
        registry.removeProvider(provider)
    project.removeAllMapLayers()
    dock.close()


def test_an_unexpected_error_is_a_message_not_a_crash(layer_files, tmp_path):
    """An exception leaving a task's ``run`` aborts QGIS (3.40+ with numpy 2.4 did so on Lee's L).
    An error no handler expects (here a fractional number of permutations) becomes the failure
    message, and the details go to QGIS's log."""
    from qgis.core import QgsApplication

    from jin_plugin.core.compare_task import CompareTask
    from tests.plugin.helpers import wait_until

    inputs = read_inputs(measures(layer_files, "truancy", "damage"))
    task = CompareTask(inputs, Options(permutations=2.5, seed=1), tmp_path / "out")
    failed = []
    task.failed.connect(failed.append)
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: bool(failed), 60)
    assert "unexpected error (TypeError" in failed[0] and "Log Messages panel" in failed[0]
    assert not (tmp_path / "out" / "comparison.gpkg").exists()


def chosen(boxes) -> list:
    return [box.currentLayer().id() if box.currentLayer() else None for box in boxes]


def test_optional_layer_stays_empty_and_pairs_default_apart(qgis_iface, qgis_new_project, layer_files, tmp_path):
    """Layer 3 is never filled in for the analyst: not when layers are added, not when a project is
    reopened (with the panel open, or opened afterwards), not when its chosen layer is removed; Layer
    1/2 and Earlier/Later start on different layers."""
    from qgis.core import QgsProject

    from jin_plugin.ui.dock import JinDock

    project = QgsProject.instance()
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.compare_panel
    project.addMapLayers([open_layer(layer_files[n]) for n in ("truancy", "damage", "arson")])

    def assert_defaults(panel) -> None:
        assert panel.layers[2].currentLayer() is None and panel.fields[2].currentField() == ""
        for pair in (panel.layers[:2], panel.change_layers):
            first, second = chosen(pair)
            assert None not in (first, second) and first != second

    assert_defaults(panel)
    assert project.write(str(tmp_path / "analysis.qgz"))
    project.clear()
    assert project.read(str(tmp_path / "analysis.qgz")) and len(project.mapLayers()) == 3
    assert_defaults(panel)
    later = JinDock(qgis_iface.messageBar())                # the plugin makes its panel when first shown
    assert_defaults(later.compare_panel)

    third = next(lyr for lyr in project.mapLayers().values() if lyr.id() not in chosen(panel.layers[:2]))
    panel.layers[2].setLayer(third)
    assert panel.layers[2].currentLayer() is third
    project.addMapLayer(open_layer(layer_files["truancy"]))
    assert panel.layers[2].currentLayer() is third          # a chosen layer is kept
    project.removeMapLayer(third.id())
    assert panel.layers[2].currentLayer() is None           # not the layer that took its place
    project.removeAllMapLayers()
    later.close()
    dock.close()


def test_identical_inputs_are_refused_before_any_task(qgis_iface, qgis_new_project, layer_files):
    from qgis.core import QgsApplication, QgsProject

    from jin_plugin.ui.dock import JinDock

    project = QgsProject.instance()
    truancy, damage = project.addMapLayers([open_layer(layer_files[n]) for n in ("truancy", "damage")])
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.compare_panel
    running = QgsApplication.taskManager().count()
    for second, third, message in ((truancy, None, "Layer 1 and Layer 2 are the same layer and field"),
                                   (damage, damage, "Layer 2 and Layer 3 are the same layer and field")):
        panel.layers[0].setLayer(truancy)
        panel.layers[1].setLayer(second)
        panel.layers[2].setLayer(third)
        assert panel.compare() is None
        assert message in dock.status.text() and "choose a different layer for" in dock.status.text()
        assert dock.tasks == [] and QgsApplication.taskManager().count() == running
    for box in panel.change_layers:
        box.setLayer(damage)
    assert panel.change() is None
    assert "Earlier and Later are the same layer and field" in dock.status.text()
    assert "choose a different layer for Later" in dock.status.text()
    assert dock.tasks == [] and QgsApplication.taskManager().count() == running
    project.removeAllMapLayers()
    dock.close()
