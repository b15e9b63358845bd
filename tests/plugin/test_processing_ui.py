"""JiN's Processing algorithms as an analyst meets them in the toolbox, a batch and a script: fetched
layers arrive themed, choices are readable lists from the hub's catalogue, ids and names are taken
in any case, and every algorithm QGIS can run in the background runs there."""

from __future__ import annotations

import sys

import pytest
from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterEnum,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
)

from jin_plugin.core.compat import FLAG_NO_THREADING
from jin_plugin.core.project_layers import jin_layers
from jin_plugin.core.symbology import SUPPRESSED_LABEL, apply_choropleth, class_breaks
from jin_plugin.core.themes import theme_for
from tests.plugin.helpers import class_colours, jin_algorithms, wait_until

PROCESSING_PLUGIN = "/usr/share/qgis/python/plugins"          # QGIS's own Processing (the toolbox's code)
LAYOUT_ALGORITHMS = {"jin:export_layout", "jin:comparison_layout"}


@pytest.fixture()
def processing(qgis_new_project):
    """QGIS's Processing framework (what the toolbox, batch dialog and scripts use) with JiN's provider."""
    if PROCESSING_PLUGIN not in sys.path:
        sys.path.append(PROCESSING_PLUGIN)
    import processing as qgis_processing
    from processing.core.Processing import Processing

    Processing.initialize()
    with jin_algorithms() as (create, context):
        yield qgis_processing, create, context
    QgsProject.instance().removeAllMapLayers()


def legend(layer) -> list[str]:
    return [item.label() for item in layer.renderer().legendSymbolItems()]


def test_fetched_layers_load_themed_in_single_and_batch_runs(processing, hub_connection, jin_cache):
    run, create, _ = processing
    params = {"HUB": hub_connection.url, "AUTHCFG": hub_connection.authcfg, "DATASET": "police_crime",
              "GEOGRAPHY": "lsoa", "CATEGORY": "all", "MEASURE": 0}
    single = run.runAndLoadResults("jin:fetch", params)
    loaded = QgsProject.instance().mapLayer(single["OUTPUT"]) or \
        next(lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.source() == single["OUTPUT"])
    assert loaded.renderer().type() == "graduatedSymbol" and loaded.customProperty("jin/styled_field") == "count"
    assert "Zero" in legend(loaded) and SUPPRESSED_LABEL in legend(loaded)
    own = QgsVectorLayer("Polygon?crs=EPSG:27700", loaded.name().replace("Police recorded crime", "Burglary"),
                         "memory")
    QgsProject.instance().addMapLayer(own)      # the analyst's own layer, named as the next fetch would be
    # a batch: each row runs its own algorithm in its own context and loads through the same post-processing
    for row in ({**params, "GEOGRAPHY": "district", "MEASURE": "rate"}, {**params, "CATEGORY": "Burglary"}):
        run.runAndLoadResults(create("jin:fetch"), row)
    layers = [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.id() != own.id()]
    assert len(layers) == 3 and all(lyr.renderer().type() == "graduatedSymbol" for lyr in layers)
    assert sorted(lyr.customProperty("jin/styled_field") for lyr in layers) == ["count", "count", "rate"]
    # in the JiN group, newest on top, under names of their own: Print layout, Refresh, Same scale see them
    root = QgsProject.instance().layerTreeRoot()
    assert len(root.findLayers()) == 4 and root.findLayer(own.id()).parent() is root
    assert {lyr.id() for lyr in jin_layers()} == {lyr.id() for lyr in layers} and jin_layers()[-1].id() == loaded.id()
    burglary = jin_layers()[0]
    assert burglary.name().startswith(own.name()) and burglary.name() != own.name()


def test_catalogue_lists_and_case_insensitive_ids(processing, hub_connection, jin_cache):
    run, create, context = processing
    typed = create("jin:fetch")                 # no catalogue read yet this session for this hub: typed ids
    base = {"HUB": hub_connection.url, "AUTHCFG": hub_connection.authcfg, "DATASET": "POLICE_CRIME",
            "GEOGRAPHY": "LSOA", "CATEGORY": "burglary"}
    run.run(typed, base, context=context)                       # lower-case 'burglary' is Burglary
    assert ["Burglary" in d.name for d in context.layersToLoadOnCompletion().values()] == [True]
    listed = create("jin:fetch")                # the catalogue is known now: lists from it
    dataset, geography, category = (listed.parameterDefinition(n) for n in ("DATASET", "GEOGRAPHY", "CATEGORY"))
    assert all(isinstance(p, QgsProcessingParameterEnum) for p in (dataset, geography, category))
    assert "Police recorded crime" in dataset.options() and "police_crime" not in dataset.options()
    assert geography.options() == ["OA", "LSOA", "MSOA", "District"]            # never an unpublished ward
    assert "Burglary" in category.options() and category.options()[0] == "All categories"    # not raw 'all'
    assert dataset.defaultValue() == dataset.options()[0]          # the hub's first dataset, not a fixed id
    ok, _ = listed.checkParameterValues({**base, "CATEGORY": "all"}, context)
    assert ok                                   # the id 'all' still passes
    ok, _ = listed.checkParameterValues({**base, "DATASET": "police_crime", "GEOGRAPHY": 1}, context)
    assert ok                                   # ids, names in any case and old geography indexes pass
    ok, message = listed.checkParameterValues({**base, "CATEGORY": "burglars"}, context)
    assert not ok and "'burglars'" in message and "Burglary" in message
    ok, message = listed.checkParameterValues({**base, "GEOGRAPHY": "ward"}, context)
    assert not ok and "'ward'" in message and "oa, lsoa, msoa, district" in message
    with pytest.raises(Exception, match=r"'oa' is not a geography the hub publishes Police recorded crime.*"
                                        r"use one of lsoa, msoa, district"):
        run.run(typed, {**base, "GEOGRAPHY": "oa"}, context=context)           # OA is asb only
    with pytest.raises(Exception, match=r"'ward' is not .*use one of oa, lsoa, msoa, district"):
        run.run(listed, {**base, "GEOGRAPHY": 3}, context=context)              # old index 3 was ward


def test_option_lists_are_readable_and_ids_still_run(processing):
    _, create, context = processing
    algorithms = {alg: create(alg) for alg in ("jin:theme", "jin:compare", "jin:export_layout")}
    labels = {(alg, name): algorithms[alg].parameterDefinition(name).options()
              for alg, name in (("jin:theme", "METHOD"), ("jin:compare", "ADJUSTMENT"),
                                ("jin:export_layout", "TEMPLATE"), ("jin:compare", "CONTIGUITY"))}
    assert labels["jin:theme", "METHOD"][0] == "Natural breaks (Jenks)"
    assert labels["jin:compare", "ADJUSTMENT"] == ["None", "False discovery rate (Benjamini–Hochberg)", "Bonferroni"]
    assert labels["jin:compare", "CONTIGUITY"] == ["Queen: a shared edge or corner", "Rook: a shared edge"]
    assert labels["jin:export_layout", "TEMPLATE"][:2] == ["A4 landscape", "A4 portrait"]
    assert not any(label.islower() for options in labels.values() for label in options)
    theme = algorithms["jin:theme"]
    ok, message = theme.checkParameterValues({"METHOD": "natural"}, context)
    assert not ok and "'natural' is not a classification" in message and "jenks, quantile" in message


def test_panel_and_processing_offer_the_same_words(processing, qgis_iface):
    """Each option list reads the same in the panel as in the Processing dialog, ids and order alike."""
    from jin_plugin.ui.dock import JinDock

    _, create, _ = processing
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.compare_panel
    pairs = [(dock.classes, "jin:theme", "METHOD"), (dock.page, "jin:export_layout", "TEMPLATE"),
             (panel.neighbours, "jin:compare", "CONTIGUITY"), (panel.adjustment, "jin:compare", "ADJUSTMENT"),
             (panel.smoothing, "jin:compare", "SMOOTHING")]
    for box, alg_id, name in pairs:
        alg = create(alg_id)
        shown = [(box.itemData(i), box.itemText(i)) for i in range(box.count())]
        assert shown == list(alg.choices()[name][0]), (alg_id, name)
        assert [label for _, label in shown] == alg.parameterDefinition(name).options(), (alg_id, name)
    dock.deleteLater()


def test_export_layer_writes_the_style_and_metadata_of_when_it_was_run(processing, tmp_path, hub_url,
                                                                        analyst_authcfg, jin_cache):
    """The export runs in the background on a copy taken when it starts: a re-class of the project layer
    meanwhile neither reaches the file nor touches what the export is reading."""
    run, create, _ = processing
    run.runAndLoadResults("jin:fetch", {"HUB": hub_url, "AUTHCFG": analyst_authcfg, "DATASET": "fire_incidents",
                                        "GEOGRAPHY": "district", "PERIOD": "2024"})
    layer = next(iter(QgsProject.instance().mapLayers().values()))
    classes, title = len(class_breaks(layer)), layer.metadata().title()
    out = tmp_path / "fire.gpkg"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()          # the task holds the context and feedback: keep them
    task = QgsProcessingAlgRunnerTask(create("jin:export_layer"), {"INPUT": layer.id(), "OUTPUT": str(out)},
                                      context, feedback)              # prepared here: the copy is taken
    apply_choropleth(layer, "count", 2 if classes != 2 else 3, "equal")    # the analyst re-classes meanwhile
    metadata = layer.metadata()
    metadata.setTitle("changed after the export started")
    layer.setMetadata(metadata)
    outcome = []
    task.executed.connect(lambda ok, results: outcome.append(ok))
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: bool(outcome), 120) and outcome == [True]
    exported = QgsVectorLayer(f"{out}|layername=jin", "exported", "ogr")
    assert exported.featureCount() == layer.featureCount() and len(class_breaks(exported)) == classes
    assert exported.metadata().title() == title != "changed after the export started"


def test_algorithms_run_in_the_background_but_layouts(processing, tmp_path, hub_url, analyst_authcfg, jin_cache):
    run, create, _ = processing
    threaded = {a.id() for a in QgsApplication.processingRegistry().providerById("jin").algorithms()
                if not a.flags() & FLAG_NO_THREADING}
    assert threaded == {"jin:fetch", "jin:compare", "jin:change", "jin:theme", "jin:join_table",
                        "jin:count_points", "jin:export_layer"}
    fetched = run.runAndLoadResults("jin:fetch", {"HUB": hub_url, "AUTHCFG": analyst_authcfg, "DATASET":
                                                  "fire_incidents", "GEOGRAPHY": "district", "PERIOD": "2024"})
    layer = next(iter(QgsProject.instance().mapLayers().values()))
    assert fetched["OUTPUT"] == layer.source()
    qml = tmp_path / "fire.qml"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    task = QgsProcessingAlgRunnerTask(create("jin:theme"), {"INPUT": layer.id(), "FIELD": "count", "THEME": "asb",
                                                            "METHOD": "EQUAL", "CLASSES": 3, "EXPORT": str(qml)},
                                      context, feedback)
    outcome = []
    task.executed.connect(lambda ok, results: outcome.append((ok, results)))
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: bool(outcome), 120)
    assert outcome[0][0] and task.status() == QgsTask.TaskStatus.Complete
    assert len(class_breaks(layer)) == 3 and qml.exists()                       # three equal classes, saved
    assert class_colours(layer)[0] == theme_for("asb").colour(0, 3).name()     # the theme asked for
