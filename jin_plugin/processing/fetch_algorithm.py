"""Processing algorithm 'Fetch JiN layer': the panel's fetch for models, batch runs and
``qgis_process`` (boundaries cached, values fetched, a GeoPackage written in the JiN cache), loaded
themed as the panel themes it."""

from __future__ import annotations

from typing import Optional, Union

from qgis.core import (
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
    QgsProject,
)

from ..core import connections
from ..core.cache import Cache
from ..core.catalogue_memory import known, remember
from ..core.fetch import fetch_to_file
from ..core.hub_client import HubClient, HubError
from ..core.layers import LayerBuildError
from ..core.model import LayerRequest
from ..core.project_layers import GROUP_NAME, style_fetched, unique_name
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm
from .catalogues import ALL, category_options, dataset_options, geography_options
from .choices import Choices, chosen, enum_parameter, resolve, translated

#: what an index meant before geographies were strings: old models and scripts pass these indexes
GEOGRAPHIES = ["oa", "lsoa", "msoa", "ward", "district", "lsoa21", "msoa21", "ward21"]
MEASURES: Choices = [("count", QT_TR_NOOP("Count")), ("rate", QT_TR_NOOP("Rate (where the dataset has one)"))]
DEFAULT_GEOGRAPHY = "lsoa"


class ThemeOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Themes a fetched layer as it is loaded into the project (on the main thread) and moves it into the
    JiN group under a name of its own, as the panel does, so Print layout, Refresh and Same scale see it."""

    def __init__(self, measure: str, source: str):
        super().__init__()
        self.measure, self.source = measure, source

    def postProcessLayer(self, layer: QgsMapLayer, context: QgsProcessingContext,
                         feedback: Optional[QgsProcessingFeedback]) -> None:
        into_jin_group(layer, context.project() or QgsProject.instance())
        warning = style_fetched(layer, self.measure)
        if warning and feedback is not None:
            feedback.pushWarning(warning)
        _PENDING.pop(self.source, None)          # QGIS deletes its post-processors once used


#: the context owns each post-processor but holds only its C++ part: the Python object, which does the
#: work, must stay referenced until the layer is loaded (or the same output is fetched again)
_PENDING: dict[str, ThemeOnLoad] = {}


def into_jin_group(layer: QgsMapLayer, project: QgsProject) -> None:
    """Move ``layer``'s node (where Processing put it) to the top of the JiN group (made on first use,
    at the top), renamed apart from the project's other layers."""
    layer.setName(unique_name(layer, project))
    root = project.layerTreeRoot()
    node = root.findLayer(layer.id())
    group = root.findGroup(GROUP_NAME) or root.insertGroup(0, GROUP_NAME)
    if node is None:
        group.insertLayer(0, layer)
    elif node.parent() is not group:
        group.insertChildNode(0, node.clone())
        node.parent().removeChildNode(node)


def themer(measure: str, source: str) -> ThemeOnLoad:
    """A post-processor theming ``source`` by ``measure`` when it is loaded (one per output)."""
    _PENDING[source] = ThemeOnLoad(measure, source)
    return _PENDING[source]


def _static_list(name: str, description: str, options: Choices, default: str) -> QgsProcessingParameterEnum:
    """A list of the catalogue's labels, stored as the label (catalogue ids and order may change)."""
    labels = [label for _, label in options]
    first = next((label for option_id, label in options if option_id == default), labels[0] if labels else None)
    return QgsProcessingParameterEnum(name, description, labels, defaultValue=first, usesStaticStrings=True)


class FetchAlgorithm(JinAlgorithm):
    _doc = None
    NAME = "fetch"
    TITLE = QT_TR_NOOP("Fetch JiN layer")
    GROUP = QT_TR_NOOP("Data")
    HELP = QT_TR_NOOP(
        "<p>Fetches one published JiN layer (dataset × geography × period × category) from a hub, as the panel's "
        "<b>Add to map</b> does, for models, batch runs and qgis_process, and themes it as the panel does.</p>"
        "<p><b>Inputs:</b> the hub URL and sign-in (by default the connection chosen in the JiN panel); the "
        "dataset, geography and category, as lists once the hub's catalogue has been read (by the panel or an "
        "earlier run), else typed: ids or names in any case (police_crime, burglary); the period: YYYY-MM for a "
        "month, YYYY for a calendar year, FY2024 for the financial year Apr 2024 – Mar 2025, L12-2025-03 for the "
        "12 months to Mar 2025, or empty for the latest month; the measure, count or rate, which names and "
        "themes the layer.</p>"
        "<p><b>Output:</b> a GeoPackage in the JiN cache, in EPSG:27700, one feature per area keyed by ONS area code "
        "(area_code), with count, rate, base (the rate's denominator) and status (value, zero, suppressed, "
        "no_data). It opens offline once fetched.</p>"
        "<p><b>Disclosure control:</b> every count is the hub's published value, which may differ from the truth "
        "by up to 3 (cell-key perturbation), and small counts are withheld (status suppressed, count empty). "
        "Never read a suppressed area as zero. Only the geographies the hub's release policy publishes are "
        "offered or accepted.</p>")

    def initAlgorithm(self, config=None) -> None:
        connection = connections.selected()
        self.addParameter(QgsProcessingParameterString("HUB", tr("Hub URL"), connection.url if connection else ""))
        self.addParameter(QgsProcessingParameterAuthConfig("AUTHCFG", tr("Sign-in (Basic authentication)"),
                                                           connection.authcfg if connection else "", optional=True))
        doc = self._doc = known(connection.url) if connection else None
        if doc and doc.get("datasets"):
            entries = doc["datasets"]
            options = dataset_options(doc)
            self.addParameter(_static_list("DATASET", tr("Dataset"), options, options[0][0]))
            self.addParameter(_static_list("GEOGRAPHY", tr("Geography"), geography_options(entries),
                                           DEFAULT_GEOGRAPHY))
        else:
            self.addParameter(QgsProcessingParameterString("DATASET", tr("Dataset id")))
            self.addParameter(QgsProcessingParameterString("GEOGRAPHY", tr("Geography"), DEFAULT_GEOGRAPHY))
        self.addParameter(QgsProcessingParameterString(
            "PERIOD", tr("Period (YYYY-MM, YYYY, FY2024, L12-2025-03; empty: latest)"), optional=True))
        if doc and doc.get("datasets"):
            self.addParameter(_static_list("CATEGORY", tr("Category"), category_options(doc["datasets"]), ALL))
        else:
            self.addParameter(QgsProcessingParameterString("CATEGORY", tr("Category"), ALL))
        self.addParameter(enum_parameter("MEASURE", tr("Measure (names and themes the layer)"), _measures()))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTPUT", tr("JiN layer")))

    def choices(self) -> dict:
        return {"MEASURE": (_measures(), tr("a measure"))}

    def _lists(self) -> dict[str, Choices]:
        """(id, label) of each list filled from the catalogue when the dialog opened (none: typed ids)."""
        doc = self._doc or {"datasets": []}
        entries = doc["datasets"]
        return {"DATASET": dataset_options(doc), "GEOGRAPHY": geography_options(entries),
                "CATEGORY": category_options(entries)} if entries else {}

    def checkParameterValues(self, parameters: dict, context: QgsProcessingContext) -> tuple[bool, str]:
        """Names in any case, ids and old geography indexes become the list's own entry, so QGIS's
        check accepts them; whether the hub publishes them is checked when the algorithm runs."""
        fixed = dict(parameters)
        for name, options in self._lists().items():
            if fixed.get(name) is not None:
                value = _legacy(fixed[name]) if name == "GEOGRAPHY" else fixed[name]
                try:
                    fixed[name] = dict(options)[resolve(value, options, _what(name))]
                except QgsProcessingException as exc:
                    return False, str(exc)
        return super().checkParameterValues(fixed, context)

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        client = HubClient(self.parameterAsString(parameters, "HUB", context),
                           self.parameterAsString(parameters, "AUTHCFG", context))
        try:
            doc = client.catalogue_doc(feedback=feedback)
        except HubError as exc:
            raise QgsProcessingException(str(exc)) from exc
        remember(client.base_url, doc)
        dataset = resolve(self.parameterAsString(parameters, "DATASET", context), dataset_options(doc),
                          tr("a dataset this hub publishes"))
        entry = next(d for d in doc["datasets"] if d["id"] == dataset)
        category = resolve(self.parameterAsString(parameters, "CATEGORY", context) or ALL, category_options([entry]),
                           tr("a category of {title}").format(title=entry["title"]))
        geography = resolve(_legacy(parameters.get("GEOGRAPHY") or DEFAULT_GEOGRAPHY),
                            geography_options([entry], category),
                            tr("a geography the hub publishes {title} ({category}) at").format(
                                title=entry["title"], category=category))
        measure = chosen(self, parameters, "MEASURE", context, *self.choices()["MEASURE"])
        period = self.parameterAsString(parameters, "PERIOD", context).strip() or None
        request = LayerRequest(dataset, geography, period, category, measure)
        try:
            path, name, _ = fetch_to_file(client, request, Cache(client.base_url), feedback, feedback.setProgress)
        except (HubError, LayerBuildError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        source = f"{path}|layername=jin"
        context.addLayerToLoadOnCompletion(source, QgsProcessingContext.LayerDetails(name, context.project(), "OUTPUT"))
        context.layerToLoadOnCompletionDetails(source).setPostProcessor(themer(measure, source))
        feedback.pushInfo(tr("Fetched '{name}' into {path}").format(name=name, path=path))
        return {"OUTPUT": source}


def _legacy(value: Union[str, int]) -> str:
    """A geography given as an old index (``1``: LSOA) as its id; anything else unchanged."""
    text = str(value).strip()
    return GEOGRAPHIES[int(text)] if text.isdigit() and int(text) < len(GEOGRAPHIES) else text


def _measures() -> Choices:
    return translated(MEASURES)


def _what(name: str) -> str:
    return {"DATASET": tr("a dataset this hub publishes"), "GEOGRAPHY": tr("a geography this hub publishes"),
            "CATEGORY": tr("a category this hub publishes")}[name]
