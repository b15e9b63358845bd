"""Qt translation of every string the analyst sees: one ``tr`` for the whole plugin, and the
translator for the QGIS locale that ``JinPlugin`` installs and removes.

``make translations`` runs pylupdate5, which files calls of a plain function ``tr("…")`` (and
``QT_TR_NOOP("…")``) under the context ``@default``; ``tr`` looks them up there, so the .ts it
writes matches what runs. pylupdate5 reads literal strings only: format after translating
(``tr("{n} layers").format(n=n)``), never an f-string inside it. Module-level labels are marked with
``QT_TR_NOOP`` and translated where they are shown, since modules are imported before the
translator is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "@default"
I18N_DIR = Path(__file__).resolve().parent / "i18n"


def tr(text: str) -> str:
    """``text`` in the analyst's language (itself when there is no translation)."""
    return QCoreApplication.translate(CONTEXT, text)


def QT_TR_NOOP(text: str) -> str:
    """Mark ``text`` for translation without translating it yet (pylupdate5 knows the name)."""
    return text


def locale_code() -> str:
    """The language QGIS runs in: its user locale (``de`` of ``de_DE``), else the system's."""
    chosen = QgsSettings().value("locale/userLocale", "") or QLocale().name()
    return str(chosen)[:2]


def qm_file(locale: str) -> Path:
    return I18N_DIR / f"jin_{locale}.qm"


def install_translator(locale: Optional[str] = None) -> Optional[QTranslator]:
    """Install the plugin's translation for ``locale`` (default: QGIS's) on the application;
    None, and English stays, when the plugin ships none for it."""
    path = qm_file(locale or locale_code())
    translator = QTranslator()
    if not path.is_file() or not translator.load(str(path)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
