"""Run a comparison in the background: statistics and files in a ``QgsTask`` worker, with progress
and cancel; the result layer is opened on the GUI thread when it is done."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsTask, QgsVectorLayer
from qgis.PyQt.QtCore import pyqtSignal

from ..i18n import tr
from .compare import CompareError, Inputs, Options, Result, analyse
from .compare_output import Plot, export_pdf, open_result, pdf_plots, plots, report_html, write_result
from .safe_task import SafeTask


class CompareTask(SafeTask):
    """Analyse ``inputs`` (read on the GUI thread with ``read_inputs``) and write the outputs to
    ``folder``: ``<stem>.gpkg``, and the summary as ``<stem>.html`` and ``<stem>.pdf``."""

    done = pyqtSignal(object, str)          # result layer, path of the HTML summary
    SUFFIXES = (".gpkg", ".html", ".pdf")

    def __init__(self, inputs: Inputs, options: Options, folder: Path, stem: str = "comparison"):
        super().__init__(tr("JiN: comparing {layers}").format(layers=" × ".join(inputs.labels)),
                         QgsTask.Flag.CanCancel)
        self.inputs, self.options, self.folder = inputs, options, Path(folder)
        self.result: Optional[Result] = None
        self.error = ""
        self.paths = {kind: Path(folder) / f"{stem}.{kind}" for kind in ("gpkg", "html", "pdf")}
        self.figures: list[Plot] = []

    def work(self) -> bool:
        try:
            self.result = analyse(self.inputs, self.options, lambda pct: self.setProgress(min(pct, 99.0)),
                                  self.isCanceled)
            self.folder.mkdir(parents=True, exist_ok=True)
            write_result(self.result, self.paths["gpkg"])
            self.paths["html"].write_text(report_html(self.result, plots(self.result)), encoding="utf-8")
            self.figures = pdf_plots(self.result)
            return True
        except InterruptedError:
            self.error = tr("Comparison cancelled: nothing was added.")
        except CompareError as exc:
            self.error = str(exc)
        except (OSError, ValueError) as exc:
            self.error = tr("The comparison failed: {error}").format(error=exc)
        return False

    def deliver(self, ok: bool) -> None:
        if ok and self.result is not None:
            layer: QgsVectorLayer = open_result(self.paths["gpkg"], self.result)
            export_pdf(report_html(self.result, {}), self.paths["pdf"], self.figures)
            self.done.emit(layer, str(self.paths["html"]))
        else:
            self.failed.emit(self.error or tr("Comparison cancelled: nothing was added."))
