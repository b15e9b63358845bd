"""Processing algorithm 'Fetch JiN layer': the panel's fetch for models, batch runs and
``qgis_process`` (boundaries cached, values fetched, a GeoPackage written in the JiN cache)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)

from ..core import connections
from ..core.cache import Cache
from ..core.fetch import fetch_to_file
from ..core.hub_client import HubClient, HubError
from ..core.layers import LayerBuildError
from ..core.model import LayerRequest
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm

GEOGRAPHIES = ["oa", "lsoa", "msoa", "ward", "district", "lsoa21", "msoa21", "ward21"]     # new ones last: ids by index
MEASURES = ["count", "rate"]


class FetchAlgorithm(JinAlgorithm):
    NAME = "fetch"
    TITLE = QT_TR_NOOP("Fetch JiN layer")
    GROUP = QT_TR_NOOP("Data")
    HELP = QT_TR_NOOP(
        "<p>Fetches one published JiN layer (dataset × geography × period × category) from a hub, as the panel's "
        "<b>Add to map</b> does, for models, batch runs and qgis_process.</p>"
        "<p><b>Inputs:</b> the hub URL and sign-in (by default the connection chosen in the JiN panel); the dataset "
        "id (as the panel's details show it, e.g. police_crime); the geography; the period: YYYY-MM for a month, "
        "YYYY for a calendar year, FY2024 for the financial year Apr 2024 – Mar 2025, L12-2025-03 for the 12 months "
        "to Mar 2025, or empty for the latest month; the category (all, or one the catalogue lists); the measure, "
        "count or rate, which names the layer.</p>"
        "<p><b>Output:</b> a GeoPackage in the JiN cache, in EPSG:27700, one feature per area keyed by ONS area code "
        "(area_code), with count, rate, base (the rate's denominator) and status (value, zero, suppressed, "
        "no_data). It opens offline once fetched.</p>"
        "<p><b>Disclosure control:</b> every count is the hub's published value, which may differ from the truth "
        "by up to 3 (cell-key perturbation), and small counts are withheld (status suppressed, count empty). "
        "Never read a suppressed area as zero. The hub refuses geographies and periods its release policy does "
        "not publish.</p>")

    def initAlgorithm(self, config=None) -> None:
        chosen = connections.selected()
        self.addParameter(QgsProcessingParameterString("HUB", tr("Hub URL"), chosen.url if chosen else ""))
        self.addParameter(QgsProcessingParameterAuthConfig("AUTHCFG", tr("Sign-in (Basic authentication)"),
                                                           chosen.authcfg if chosen else "", optional=True))
        self.addParameter(QgsProcessingParameterString("DATASET", tr("Dataset id"), "police_crime"))
        self.addParameter(QgsProcessingParameterEnum("GEOGRAPHY", tr("Geography"), GEOGRAPHIES, defaultValue=1))
        self.addParameter(QgsProcessingParameterString(
            "PERIOD", tr("Period (YYYY-MM, YYYY, FY2024, L12-2025-03; empty: latest)"), optional=True))
        self.addParameter(QgsProcessingParameterString("CATEGORY", tr("Category"), "all"))
        self.addParameter(QgsProcessingParameterEnum("MEASURE", tr("Measure (names the layer)"), MEASURES,
                                                     defaultValue=0))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTPUT", tr("JiN layer")))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        client = HubClient(self.parameterAsString(parameters, "HUB", context),
                           self.parameterAsString(parameters, "AUTHCFG", context))
        request = LayerRequest(self.parameterAsString(parameters, "DATASET", context).strip(),
                               GEOGRAPHIES[self.parameterAsEnum(parameters, "GEOGRAPHY", context)],
                               self.parameterAsString(parameters, "PERIOD", context).strip() or None,
                               self.parameterAsString(parameters, "CATEGORY", context) or "all",
                               MEASURES[self.parameterAsEnum(parameters, "MEASURE", context)])
        try:
            path, name, _ = fetch_to_file(client, request, Cache(client.base_url), feedback, feedback.setProgress)
        except (HubError, LayerBuildError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        source = f"{path}|layername=jin"
        context.addLayerToLoadOnCompletion(source, QgsProcessingContext.LayerDetails(name, context.project(), "OUTPUT"))
        feedback.pushInfo(tr("Fetched '{name}' into {path}").format(name=name, path=path))
        return {"OUTPUT": source}
