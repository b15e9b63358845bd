"""The catalogue as analysts browse it: datasets grouped by theme, an instant filter, the hub's
advanced search, and a details pane saying everything needed to judge a dataset before mapping it.
"""

from __future__ import annotations

from html import escape
from typing import Optional

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.model import geography_label, month_label, quality_flags
from ..core.themes import THEME_ORDER, theme_title
from ..i18n import tr
from .icons import theme_icon

ROLE_ENTRY = Qt.ItemDataRole.UserRole


def searchable_text(entry: dict) -> str:
    """What the instant filter looks in: title, description, partner, keywords and categories."""
    return " ".join([entry["title"], entry["description"], entry.get("partner", ""), *entry.get("keywords", []),
                     *entry.get("categories", [])]).lower()


def details_html(entry: dict) -> str:
    """The details pane: description, measures, categories, periods, geographies, rule, licence, release."""
    def periods() -> str:
        months = entry["periods"]
        named = set(months) & set(entry.get("period_labels", {}))          # the hub names them: school terms
        span = tr("{first} – {last}") if named else tr("months {first} – {last}")
        parts = [span.format(first=month_label(months[0], entry), last=month_label(months[-1], entry))] if months \
            else []
        for key, what in (("years", tr("calendar years")), ("financial_years", tr("financial years")),
                          ("rolling", tr("rolling 12 months"))):
            if entry.get(key):
                parts.append(f"{what}: " + ", ".join(month_label(p, entry) for p in entry[key]))
        return "; ".join(parts)

    rate = entry.get("rate") or {}
    measures = tr("count") + (tr(", rate {unit}").format(unit=rate["label"]) if rate.get("label") else "")
    release = entry["release"]
    notes = escape(release.get("notes") or "")
    rows = [(tr("Partner:"), escape(entry["partner"])), (tr("Theme:"), escape(theme_title(entry["theme"]))),
            (tr("Measures:"), escape(measures)),
            (tr("Categories:"), escape(", ".join(c for c in entry["categories"] if c != "all"))),
            (tr("Periods:"), escape(periods())),
            (tr("Geographies:"), ", ".join(geography_label(g, entry["geographies"]) for g in entry["geographies"])),
            (tr("Last release:"), f"{escape(release['id'])} ({escape(release['created'])})")]
    if entry.get("records_granted"):
        rows.append((tr("Record-level data:"), tr("your agency has access")))
    rows.append((tr("Licence:"), escape(entry["licence"])))
    sections = [rows, [(tr("Disclosure control:"), escape(entry["disclosure"]["rule"]))]]
    if notes:
        sections.append([(tr("Release notes:"), notes)])
    flags = quality_flags(entry)
    if flags:
        sections.append([(tr("Data-quality warnings:"), "<br>".join(escape(f["note"]) for f in flags))])
    return (f"<h3>{escape(entry['title'])}</h3><p>{escape(entry['description'])}</p>"
            + "".join("<p>" + "<br>".join(f"<b>{escape(label)}</b> {value}" for label, value in section) + "</p>"
                      for section in sections))


class CatalogueView(QWidget):
    """Theme tree + filter + advanced search + details; emits the chosen entry (or None)."""

    datasetChosen = pyqtSignal(object)
    searchRequested = pyqtSignal(dict)          # hub-side search parameters; {} = everything

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Filter datasets…"))
        self.search.setClearButtonEnabled(True)
        self.advanced_button = QPushButton(tr("Advanced…"))
        self.advanced_button.setCheckable(True)
        row.addWidget(self.search, 1)
        row.addWidget(self.advanced_button)
        layout.addLayout(row)
        self.advanced = self._advanced_box()
        self.advanced.setVisible(False)
        layout.addWidget(self.advanced)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        layout.addWidget(self.tree, 1)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        layout.addWidget(self.details, 1)
        self.search.textChanged.connect(self.filter)
        self.advanced_button.toggled.connect(self.advanced.setVisible)
        self.tree.currentItemChanged.connect(self._chosen)

    def _advanced_box(self) -> QGroupBox:
        box = QGroupBox(tr("Search the hub"))
        form = QFormLayout(box)
        self.theme = QComboBox()
        self.partner = QComboBox()
        self.geography = QComboBox()
        self.period_from = QLineEdit()
        self.period_to = QLineEdit()
        for edit in (self.period_from, self.period_to):
            edit.setPlaceholderText(tr("YYYY-MM or YYYY"))
        form.addRow(tr("Theme"), self.theme)
        form.addRow(tr("Partner"), self.partner)
        form.addRow(tr("Geography"), self.geography)
        form.addRow(tr("Data from"), self.period_from)
        form.addRow(tr("Data up to"), self.period_to)
        buttons = QHBoxLayout()
        self.search_button = QPushButton(tr("Search"))
        self.reset_button = QPushButton(tr("Show all"))
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.reset_button)
        form.addRow(buttons)
        self.search_button.clicked.connect(lambda: self.searchRequested.emit(self.search_parameters()))
        self.reset_button.clicked.connect(self._reset)
        return box

    def _reset(self) -> None:
        for combo in (self.theme, self.partner, self.geography):
            combo.setCurrentIndex(0)
        self.period_from.clear()
        self.period_to.clear()
        self.searchRequested.emit({})

    def search_parameters(self) -> dict[str, str]:
        """The advanced search as the hub's catalogue query parameters (empty ones left out)."""
        chosen = {"q": self.search.text().strip(), "theme": self.theme.currentData(),
                  "partner": self.partner.currentData(), "geography": self.geography.currentData(),
                  "period_from": self.period_from.text().strip(), "period_to": self.period_to.text().strip()}
        return {k: v for k, v in chosen.items() if v}

    def set_facets(self, doc: dict) -> None:
        """Fill the advanced search's choices from the hub's full catalogue (themes, partners, levels)."""
        facets = ((self.theme, tr("Any theme"), [(theme_title(t), t) for t in doc.get("themes", [])]),
                  (self.partner, tr("Any partner"), [(p, p) for p in doc.get("partners", [])]),
                  (self.geography, tr("Any geography"),
                   [(geography_label(g, doc.get("geographies", {})), g) for g in doc.get("geographies", {})]))
        for combo, anything, items in facets:
            previous = combo.currentData()
            combo.clear()
            combo.addItem(anything, "")
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(previous)))

    def set_entries(self, entries: list[dict]) -> None:
        """Show ``entries`` grouped by theme (usual order first), keeping the choice if still listed."""
        previous = self.current_entry()
        self.tree.clear()
        themes = sorted({e["theme"] for e in entries},
                        key=lambda t: (THEME_ORDER.index(t) if t in THEME_ORDER else 99, t))
        for theme in themes:
            group = QTreeWidgetItem([theme_title(theme)])
            group.setIcon(0, theme_icon(theme))
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for entry in (e for e in entries if e["theme"] == theme):
                item = QTreeWidgetItem([f"{entry['title']}  ·  {entry['partner']}"])
                item.setData(0, ROLE_ENTRY, entry)
                item.setToolTip(0, entry["description"])
                item.setIcon(0, theme_icon(theme))
                group.addChild(item)
            group.setExpanded(True)
        self.filter(self.search.text())
        wanted = previous["id"] if previous else None
        items = self.dataset_items()
        chosen = next((i for i in items if i.data(0, ROLE_ENTRY)["id"] == wanted), items[0] if items else None)
        self.tree.setCurrentItem(chosen)
        if chosen is None:
            self._chosen(None)

    def dataset_items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i).child(j) for i in range(self.tree.topLevelItemCount())
                for j in range(self.tree.topLevelItem(i).childCount())]

    def visible_titles(self) -> list[str]:
        return [i.data(0, ROLE_ENTRY)["title"] for i in self.dataset_items() if not i.isHidden()]

    def filter(self, text: str) -> None:
        """Instant filter: every word must appear in the entry; themes with nothing left are hidden."""
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                item = group.child(j)
                hit = all(w in searchable_text(item.data(0, ROLE_ENTRY)) for w in words)
                item.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)

    def select(self, dataset_id: str) -> None:
        item = next((i for i in self.dataset_items() if i.data(0, ROLE_ENTRY)["id"] == dataset_id), None)
        if item is not None:
            self.tree.setCurrentItem(item)

    def current_entry(self) -> Optional[dict]:
        item = self.tree.currentItem()
        return item.data(0, ROLE_ENTRY) if item is not None else None

    def _chosen(self, item: Optional[QTreeWidgetItem], _previous=None) -> None:
        entry = item.data(0, ROLE_ENTRY) if item is not None else None
        if entry is None:
            self.details.clear()
        else:
            self.details.setHtml(details_html(entry))
        self.datasetChosen.emit(entry)
