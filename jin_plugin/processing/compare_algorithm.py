"""Processing algorithm 'Compare layers (LISA, Gi*, co-location)': the panel's comparison for
models, batch runs and ``qgis_process``."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
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
from .base import JinAlgorithm

CONTIGUITY = ["queen", "rook"]
ADJUSTMENTS = ["none", "fdr", "bonferroni"]
SMOOTHING = ["none", "eb", "spatial_eb"]


class CompareAlgorithm(JinAlgorithm):
    NAME = "compare"
    TITLE = "Compare layers (LISA, Gi*, co-location)"
    GROUP = "Comparisons"
    HELP = ("Do two or three measures cluster in the same places? Global Moran's I, bivariate Moran's I, Lee's L, "
            "Pearson and Spearman with a spatially adjusted test; local (bivariate) LISA clusters with "
            "conditional permutations; Getis-Ord Gi* hot spots and where they coincide. Areas are matched by area "
            "code; withheld (suppressed) values are excluded and counted, never read as zero. The result layer's "
            "metadata documents every field.")

    def initAlgorithm(self, config=None) -> None:
        polygons = [SOURCE_POLYGON]
        for i, optional in ((1, False), (2, False), (3, True)):
            self.addParameter(QgsProcessingParameterFeatureSource(f"LAYER_{i}", f"Layer {i}", polygons,
                                                                  optional=optional))
            self.addParameter(QgsProcessingParameterField(f"FIELD_{i}", f"Measure {i}", "rate", f"LAYER_{i}",
                                                          FIELD_NUMERIC,
                                                          optional=optional))
        self.addParameter(QgsProcessingParameterString("CODE_FIELD", "Area code field (in every layer)",
                                                       "area_code"))
        self.addParameter(QgsProcessingParameterEnum("CONTIGUITY", "Neighbours", CONTIGUITY, defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber("PERMUTATIONS", "Permutations",
                                                       NUMBER_INTEGER, 999, minValue=0,
                                                       maxValue=99_999))
        self.addParameter(QgsProcessingParameterNumber("SEED", "Random seed (-1: a new one each run)",
                                                       NUMBER_INTEGER, -1, minValue=-1))
        self.addParameter(QgsProcessingParameterNumber("ALPHA", "Significance level",
                                                       NUMBER_DOUBLE, 0.05,
                                                       minValue=0.0001, maxValue=0.5))
        self.addParameter(QgsProcessingParameterEnum("ADJUSTMENT", "Multiple-testing adjustment", ADJUSTMENTS,
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            "SMOOTHING", "Rate smoothing (needs count and base fields)",
            ["None", "Empirical Bayes", "Spatial empirical Bayes"], defaultValue=0))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Comparison",
                                                                  SOURCE_POLYGON))
        self.addParameter(QgsProcessingParameterFileDestination("REPORT", "Summary (HTML)", "HTML files (*.html)",
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
                raise QgsProcessingException(f"choose the measure (a numeric field) of layer {i}")
            measures.append(Measure(source, fields[0], f"{source.sourceName()} ({fields[0]})", code))
        seed = self.parameterAsInt(parameters, "SEED", context)
        options = Options(CONTIGUITY[self.parameterAsEnum(parameters, "CONTIGUITY", context)], 1,
                          self.parameterAsInt(parameters, "PERMUTATIONS", context), None if seed < 0 else seed,
                          self.parameterAsDouble(parameters, "ALPHA", context),
                          ADJUSTMENTS[self.parameterAsEnum(parameters, "ADJUSTMENT", context)],
                          smoothing=SMOOTHING[self.parameterAsEnum(parameters, "SMOOTHING", context)])
        try:
            inputs = read_inputs(measures)
            excluded = ", ".join(f"{v} {k}" for k, v in inputs.excluded.items() if v)
            if excluded:
                feedback.pushInfo(f"Excluded areas: {excluded} (withheld values are never read as zero)")
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
            feedback.pushInfo(f"{g.name}: {g.value:.4f} (pseudo p {g.p_sim:.3f})")
        return outputs
