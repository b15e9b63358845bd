"""Translation: a pseudo-locale made from the plugin's own sources (every string becomes ⟦string⟧)
is loaded by the plugin for the QGIS locale, and the panel, Processing and the hub messages show
it; any string left out of tr() would show plain."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QPushButton, QToolButton, QWidget

import jin_plugin
from jin_plugin.core.hub_client import HubClient, HubError
from jin_plugin.i18n import I18N_DIR, qm_file, tr
from tests.conftest import ROOT
from tests.plugin.helpers import wait_until

PSEUDO = "xx"
LRELEASE = next((p for p in ("/usr/lib/qt5/bin/lrelease", shutil.which("lrelease")) if p and Path(p).exists()), None)
SOURCES = sorted(str(p) for p in (ROOT / "jin_plugin").rglob("*.py") if "__pycache__" not in p.parts)


def collect(ts: Path) -> Path:
    """pylupdate5 over the plugin's sources, as ``make translations`` runs it."""
    out = subprocess.run(["pylupdate5", "-noobsolete", *SOURCES, "-ts", str(ts)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return ts


def sources_of(ts: Path) -> set[str]:
    return {m.findtext("source") for m in ET.parse(ts).getroot().iter("message")}


@pytest.fixture()
def pseudo_locale(tmp_path):
    """jin_xx.qm in the plugin's i18n folder, every translation ⟦source⟧; QGIS's locale set to xx."""
    ts = collect(tmp_path / f"jin_{PSEUDO}.ts")
    tree = ET.parse(ts)
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        translation.text = f"⟦{message.findtext('source')}⟧"
        translation.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = qm_file(PSEUDO)
    out = subprocess.run([LRELEASE, "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True)
    assert out.returncode == 0 and qm.exists(), out.stderr
    settings = QgsSettings()
    before = settings.value("locale/userLocale", "")
    settings.setValue("locale/userLocale", f"{PSEUDO}_XX")
    try:
        yield qm
    finally:
        settings.setValue("locale/userLocale", before)
        qm.unlink(missing_ok=True)


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every label, button, box title, tab, tooltip, placeholder and list item the
    plugin itself puts in ``root`` (QGIS's own widgets inside it bring their own translations)."""
    def ours(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not root:
            if type(parent).__module__.startswith("qgis."):
                return False
            parent = parent.parentWidget()
        return True

    texts = [(f"tab {i}", root.tabs.tabText(i)) for i in range(root.tabs.count())]
    for widget in [w for w in root.findChildren(QWidget) if ours(w)]:
        name = type(widget).__name__
        if isinstance(widget, (QLabel, QPushButton, QCheckBox, QToolButton)):
            texts.append((f"{name} text", widget.text()))
        if isinstance(widget, QGroupBox):
            texts.append((f"{name} title", widget.title()))
        if isinstance(widget, QLineEdit):
            texts.append((f"{name} placeholder", widget.placeholderText()))
        if type(widget) is QComboBox:
            texts += [(f"{name} item", widget.itemText(i)) for i in range(widget.count())]
        texts.append((f"{name} tooltip", widget.toolTip()))
    return texts


def untranslated(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Texts with words outside ⟦…⟧ (numbers, punctuation and spacing are not words)."""
    return [(where, text) for where, text in texts if re.search(r"[A-Za-z]", re.sub(r"⟦[^⟧]*⟧", "", text))]


def test_the_plugin_shows_the_pseudo_locale_everywhere(qgis_iface, pseudo_locale):
    plugin = jin_plugin.classFactory(qgis_iface)
    try:
        assert plugin.translator is not None, "the plugin did not load the locale's .qm"
        plugin.initGui()
        assert plugin.action.text() == "⟦JiN panel⟧"
        plugin.action.trigger()
        dock = plugin.dock
        texts = shown_texts(dock)
        assert len([t for _, t in texts if "⟦" in t]) > 60                 # the panel is really walked
        assert not untranslated(texts), untranslated(texts)
        assert dock.tabs.tabText(1) == "⟦Compare⟧" and dock.add_button.text() == "⟦&Add to map⟧"

        registry = QgsApplication.processingRegistry()
        algorithms = registry.providerById("jin").algorithms()
        assert len(algorithms) == 9
        for listed in algorithms:
            alg = registry.createAlgorithmById(listed.id())
            shown = [alg.displayName(), alg.group(), alg.shortHelpString(),
                     *(p.description() for p in alg.parameterDefinitions()),
                     *(o.description() for o in alg.outputDefinitions())]
            assert all(s.startswith("⟦") for s in shown), (listed.id(), shown)

        with pytest.raises(HubError, match=r"^⟦'not-a-hub' is not a web address"):
            HubClient("not-a-hub").get("/api/v1/version")
    finally:
        plugin.unload()
    assert plugin.translator is None and tr("Add to map") == "Add to map"       # unload removes it


def test_the_connected_panel_shows_the_pseudo_locale(qgis_iface, pseudo_locale, hub_connection):
    """What only a hub fills in: the status, the details pane and the layer options (data such as
    dataset titles, categories and zone names stay as the hub sends them)."""
    plugin = jin_plugin.classFactory(qgis_iface)
    try:
        plugin.initGui()
        plugin.action.trigger()
        dock = plugin.dock
        QTest.mouseClick(dock.connect_button, Qt.MouseButton.LeftButton)
        assert wait_until(lambda: bool(dock.catalogue.dataset_items()))
        assert wait_until(lambda: dock.status.text().startswith("⟦Connected to")), dock.status.text()
        assert "⟦Partner:⟧" in dock.catalogue.details.toPlainText()
        options = dock.options
        for combo in (options.kind, options.geography, options.measure):
            items = [combo.itemText(i) for i in range(combo.count())]
            assert items and all(t.startswith("⟦") for t in items), items
        assert options.zone.itemText(0) == "⟦Whole county (no zone)⟧"
    finally:
        plugin.unload()


def test_without_a_translation_the_plugin_stays_in_english(qgis_iface):
    settings = QgsSettings()
    before = settings.value("locale/userLocale", "")
    settings.setValue("locale/userLocale", "zz_ZZ")                  # a language JiN ships none for
    try:
        plugin = jin_plugin.classFactory(qgis_iface)
        assert plugin.translator is None
        plugin.unload()
    finally:
        settings.setValue("locale/userLocale", before)
    assert tr("Add to map") == "Add to map"


def test_the_shipped_template_lists_every_string(tmp_path):
    """jin_en.ts is what ``make translations`` writes from today's sources (else: run it)."""
    fresh = sources_of(collect(tmp_path / "jin_en.ts"))
    shipped = sources_of(I18N_DIR / "jin_en.ts")
    assert len(fresh) > 250
    assert fresh == shipped, f"run `make translations`: new {sorted(fresh - shipped)[:5]}, gone " \
                             f"{sorted(shipped - fresh)[:5]}"


def test_no_string_is_formatted_before_it_is_translated():
    """pylupdate5 would collect ``tr(f"…{x}")`` as the literal ``…{x}``, never matching at run time,
    and reads an f-string as one token, missing any ``tr("…")`` inside its braces."""
    patterns = (r"\b(tr|QT_TR_NOOP)\(\s*f[\"']", r"\bf([\"']).*\{[^}]*\b(tr|QT_TR_NOOP)\(")
    offenders = [f"{Path(p).relative_to(ROOT)}:{n}" for p in SOURCES
                 for n, line in enumerate(Path(p).read_text(encoding="utf-8").splitlines(), 1)
                 if any(re.search(pattern, line) for pattern in patterns)]
    assert not offenders, offenders
