"""Processing algorithm 'Compare layers (LISA, Gi*, co-location)': the panel's comparison for
models, batch runs and ``qgis_process``."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..core.compare import CompareError, Measure, Options, analyse, read_inputs
from ..core.compare_output import plots, report_html, write_result
from ..core.compat import FIELD_NUMERIC, NUMBER_DOUBLE, NUMBER_INTEGER, SOURCE_POLYGON, field_names
from ..core.option_lists import ADJUSTMENTS, NEIGHBOURS, SMOOTHING
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm
from .choices import chosen, enum_parameter, translated


class CompareAlgorithm(JinAlgorithm):
    NAME = "compare"
    TITLE = QT_TR_NOOP("Compare layers (LISA, Gi*, co-location)")
    GROUP = QT_TR_NOOP("Comparisons")
    HELP = QT_TR_NOOP(
        "<p>Do two or three measures cluster in the same places? Global Moran's I of each measure, bivariate "
        "Moran's I, Lee's L, Pearson and Spearman correlation with a test adjusted for spatial autocorrelation; "
        "local (bivariate) LISA clusters with conditional permutations; Getis-Ord Gi* hot spots and where they "
        "coincide.</p>"
        "<p><b>Inputs:</b> two or three polygon layers on the same geography (JiN layers, or your own with an area "
        "code field), a numeric measure of each (usually rate), the neighbours (queen or rook), the number of "
        "permutations, the significance level, a multiple-testing adjustment and optional rate smoothing (which "
        "needs each layer's count and base fields).</p>"
        "<p><b>Outputs:</b> a GeoPackage layer coloured by bivariate LISA cluster (High-High, Low-Low, Low-High, "
        "High-Low, not significant, excluded), with each measure's local statistics, p-values, clusters and Gi* "
        "hot spots; its metadata documents every field. Optionally a one-page HTML summary.</p>"
        "<p><b>Disclosure control:</b> areas are matched by area code; areas whose value is withheld (suppressed), "
        "missing or absent from a layer are excluded and counted, never read as zero.</p>")

    def choices(self) -> dict:
        return {"CONTIGUITY": (translated(NEIGHBOURS), tr("a kind of neighbours")),
                "ADJUSTMENT": (translated(ADJUSTMENTS), tr("a multiple-testing adjustment")),
                "SMOOTHING": (translated(SMOOTHING), tr("a rate smoothing"))}

    def initAlgorithm(self, config=None) -> None:
        polygons = [SOURCE_POLYGON]
        for i, optional in ((1, False), (2, False), (3, True)):
            self.addParameter(QgsProcessingParameterFeatureSource(f"LAYER_{i}", tr("Layer {i}").format(i=i),
                                                                  polygons,
                                                                  optional=optional))
            self.addParameter(QgsProcessingParameterField(f"FIELD_{i}", tr("Measure {i}").format(i=i), "rate",
                                                          f"LAYER_{i}", FIELD_NUMERIC,
                                                          optional=optional))
        self.addParameter(QgsProcessingParameterString("CODE_FIELD", tr("Area code field (in every layer)"),
                                                       "area_code"))
        self.addParameter(enum_parameter("CONTIGUITY", tr("Neighbours"), translated(NEIGHBOURS)))
        self.addParameter(QgsProcessingParameterNumber("PERMUTATIONS", tr("Permutations"),
                                                       NUMBER_INTEGER, 999, minValue=0,
                                                       maxValue=99_999))
        self.addParameter(QgsProcessingParameterNumber("SEED", tr("Random seed (-1: a new one each run)"),
                                                       NUMBER_INTEGER, -1, minValue=-1))
        self.addParameter(QgsProcessingParameterNumber("ALPHA", tr("Significance level"),
                                                       NUMBER_DOUBLE, 0.05,
                                                       minValue=0.0001, maxValue=0.5))
        self.addParameter(enum_parameter("ADJUSTMENT", tr("Multiple-testing adjustment"), translated(ADJUSTMENTS)))
        self.addParameter(enum_parameter("SMOOTHING", tr("Rate smoothing (needs count and base fields)"),
                                         translated(SMOOTHING)))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", tr("Comparison"),
                                                                  SOURCE_POLYGON))
        self.addParameter(QgsProcessingParameterFileDestination("REPORT", tr("Summary (HTML)"), "HTML files (*.html)",
                                                                optional=True))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        code = self.parameterAsString(parameters, "CODE_FIELD", context) or "area_code"
        measures = []
        for i in (1, 2, 3):
            source = self.parameterAsSource(parameters, f"LAYER_{i}", context)
            fields = field_names(self, parameters, f"FIELD_{i}", context)
            if source is None:
                continue
            if not fields:
                raise QgsProcessingException(tr("choose the measure (a numeric field) of layer {i}").format(i=i))
            measures.append(Measure(source, fields[0], f"{source.sourceName()} ({fields[0]})", code))
        seed = self.parameterAsInt(parameters, "SEED", context)
        choices = self.choices()
        options = Options(chosen(self, parameters, "CONTIGUITY", context, *choices["CONTIGUITY"]), 1,
                          self.parameterAsInt(parameters, "PERMUTATIONS", context), None if seed < 0 else seed,
                          self.parameterAsDouble(parameters, "ALPHA", context),
                          chosen(self, parameters, "ADJUSTMENT", context, *choices["ADJUSTMENT"]),
                          smoothing=chosen(self, parameters, "SMOOTHING", context, *choices["SMOOTHING"]))
        try:
            inputs = read_inputs(measures)
            excluded = ", ".join(f"{v} {k}" for k, v in inputs.excluded.items() if v)
            if excluded:
                feedback.pushInfo(tr("Excluded areas: {excluded} (withheld values are never read as zero)")
                                  .format(excluded=excluded))
            result = analyse(inputs, options, feedback.setProgress, feedback.isCanceled)
        except CompareError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except InterruptedError:
            return {}
        out = Path(self.parameterAsOutputLayer(parameters, "OUTPUT", context))
        if out.suffix.lower() != ".gpkg":
            out = out.with_suffix(".gpkg")
        write_result(result, out)
        outputs = {"OUTPUT": str(out)}
        report = self.parameterAsFileOutput(parameters, "REPORT", context)
        if report:
            Path(report).write_text(report_html(result, plots(result)), encoding="utf-8")
            outputs["REPORT"] = report
        for g in result.globals_:
            feedback.pushInfo(tr("{name}: {value:.4f} (pseudo p {p:.3f})").format(name=g.name, value=g.value,
                                                                                        p=g.p_sim))
        return outputs
