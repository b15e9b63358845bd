"""Ready for QGIS 4 (Qt6): no enum by its pre-3.36 home, no deprecated method, no Qt5-only import
outside the compatibility module, and QGIS's own migration script proposes no change."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import Qgis

from jin_plugin.core import compat

PLUGIN = Path(__file__).resolve().parents[2] / "jin_plugin"
COMPAT = PLUGIN / "core" / "compat.py"
MIGRATION_SCRIPT = Path(sys.prefix + "-pyqt5to6") / "bin" / "pyqt5to6"

# Old homes QGIS 4 drops (their Qgis.* replacements came in 3.30-3.36), deprecated methods and
# Qt5-only spellings. Capitalised attributes of these classes are enum members or enum types.
OLD_SPELLINGS = {
    "processing source type": r"QgsProcessing\.(SourceType|Type[A-Z])",
    "map layer proxy filter": r"QgsMapLayerProxyModel\.(Filter\b|[A-Z]\w*Layer\b)",
    "QgsWkbTypes enum": r"QgsWkbTypes\.[A-Z]",
    "QgsUnitTypes enum": r"QgsUnitTypes\.[A-Z]",
    "data provider capability": r"QgsDataProvider\.(DataCapability|Net\b|File\b|Dir\b|Database\b)",
    "processing parameter enum": r"QgsProcessingParameter\w+\.(Type|DataType)\b",
    "processing algorithm flag": r"QgsProcessingAlgorithm\.(Flag\b|Flag[A-Z])",
    "text render format": r"QgsRenderContext\.(TextRenderFormat|TextFormat)",
    "parameterAsFields (use compat.field_names)": r"\bparameterAsFields\(",
    "QAction from QtWidgets (QtGui in Qt6; use compat.QAction)": r"from qgis\.PyQt\.QtWidgets import [^\n]*\bQAction\b",
    "exec_ (exec in Qt6)": r"\bexec_\(",
    "QVariant types (QMetaType in Qt6; use compat)": r"\bQVariant\.",
    "PyQt5 import (use qgis.PyQt)": r"\b(from|import) PyQt5\b",
    "layout label setFont (use compat.set_label_font)": r"\blabel\.setFont\(",
}


def plugin_sources() -> list[Path]:
    return sorted(p for p in PLUGIN.rglob("*.py") if p != COMPAT and "__pycache__" not in p.parts)


def test_no_old_spellings_outside_the_compat_module():
    found = [f"{path.relative_to(PLUGIN)}:{text[:m.start()].count(chr(10)) + 1}: {what}"
             for path in plugin_sources() for text in [path.read_text(encoding="utf-8")]
             for what, pattern in OLD_SPELLINGS.items() for m in re.finditer(pattern, text)]
    assert not found, "spellings QGIS 4 drops:\n" + "\n".join(found)


@pytest.mark.skipif(Qgis.QGIS_VERSION_INT < 33600, reason="the Qgis.* enum homes are complete from QGIS 3.36")
def test_the_compat_module_takes_the_new_homes():
    assert compat.SOURCE_POLYGON is Qgis.ProcessingSourceType.VectorPolygon
    assert compat.POLYGON_LAYERS is Qgis.LayerFilter.PolygonLayer
    assert compat.WKB_MULTIPOLYGON is Qgis.WkbType.MultiPolygon
    assert compat.LAYOUT_MM is Qgis.LayoutUnit.Millimeters
    assert compat.TEXT_ALWAYS_TEXT is Qgis.TextRenderFormat.AlwaysText
    assert isinstance(compat.data_item_provider_capabilities(), Qgis.DataItemProviderCapabilities)


@pytest.mark.skipif(not MIGRATION_SCRIPT.exists(),
                    reason="QGIS's migration script needs Python 3.12+ (it runs on the 3.40 and newest matrix: "
                           "scripts/qgis_matrix.sh); scripts/setup.sh installs it there")
def test_qgis_migration_script_proposes_no_change(tmp_path):
    copy = tmp_path / "jin_plugin"
    shutil.copytree(PLUGIN, copy, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([str(MIGRATION_SCRIPT), str(copy)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600)
    changes = []
    for before in [*plugin_sources(), COMPAT]:
        after = copy / before.relative_to(PLUGIN)
        old, new = before.read_text(encoding="utf-8"), after.read_text(encoding="utf-8")
        if old != new:
            changes += difflib.unified_diff(old.splitlines(), new.splitlines(), str(before), str(after), lineterm="")
    assert not changes, "the migration script proposes:\n" + "\n".join(changes)
    assert run.returncode == 0, run.stdout + run.stderr
