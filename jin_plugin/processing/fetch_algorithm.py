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
from .base import JinAlgorithm

GEOGRAPHIES = ["oa", "lsoa", "msoa", "ward", "district"]
MEASURES = ["count", "rate"]


class FetchAlgorithm(JinAlgorithm):
    NAME = "fetch"
    TITLE = "Fetch JiN layer"
    GROUP = "Data"
    HELP = ("Fetches a published JiN layer (dataset × geography × period × category) from a hub into the JiN "
            "cache as a GeoPackage in EPSG:27700 keyed by ONS area code. Period: YYYY-MM, YYYY, or empty for the "
            "latest; FY2024 for the financial year Apr 2024 – Mar 2025; L12-2025-03 for the 12 months to Mar 2025, "
            "where the hub publishes them. The hub URL and sign-in default to the panel's chosen connection.")

    def initAlgorithm(self, config=None) -> None:
        chosen = connections.selected()
        self.addParameter(QgsProcessingParameterString("HUB", "Hub URL", chosen.url if chosen else ""))
        self.addParameter(QgsProcessingParameterAuthConfig("AUTHCFG", "Sign-in (Basic authentication)",
                                                           chosen.authcfg if chosen else "", optional=True))
        self.addParameter(QgsProcessingParameterString("DATASET", "Dataset id", "police_crime"))
        self.addParameter(QgsProcessingParameterEnum("GEOGRAPHY", "Geography", GEOGRAPHIES, defaultValue=1))
        self.addParameter(QgsProcessingParameterString(
            "PERIOD", "Period (YYYY-MM, YYYY, FY2024, L12-2025-03; empty: latest)", optional=True))
        self.addParameter(QgsProcessingParameterString("CATEGORY", "Category", "all"))
        self.addParameter(QgsProcessingParameterEnum("MEASURE", "Measure (names the layer)", MEASURES,
                                                     defaultValue=0))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTPUT", "JiN layer"))

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
        feedback.pushInfo(f"Fetched '{name}' into {path}")
        return {"OUTPUT": source}
