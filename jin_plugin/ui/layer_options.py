"""What to map from the chosen dataset: geography, period (month, calendar year, financial year,
rolling 12 months), categories (one, several, all: one layer each), measure and zone.

Only choices the hub's release policy publishes are offered, so a request never fails for a
policy reason; defaults (latest 12 months, all categories, LSOA, count) make one click work.
"""

from __future__ import annotations

from typing import Optional

from qgis.gui import QgsCheckableComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QPushButton, QWidget

from ..core.model import LayerRequest, geography_label, month_label
from ..i18n import QT_TR_NOOP, tr

#: period kinds: (id, label, catalogue field listing that kind's periods)
PERIOD_KINDS = [("rolling", QT_TR_NOOP("Rolling 12 months"), "rolling"), ("month", QT_TR_NOOP("Month"), "periods"),
                ("fy", QT_TR_NOOP("Financial year"), "financial_years"),
                ("year", QT_TR_NOOP("Calendar year"), "years")]
ALL = "all"


def _kind_label(entry: dict, kind: str, label: str) -> str:
    """"Term" where the hub names every period of the dataset (school terms), else ``label``."""
    named = entry.get("period_labels", {})
    return tr("Term") if kind == "month" and all(p in named for p in entry["periods"]) else tr(label)


class LayerOptions(QWidget):
    """The form under the catalogue; ``requests()`` turns it into one LayerRequest per category."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.entry: Optional[dict] = None
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period = QComboBox()
        period_row = QHBoxLayout()
        period_row.addWidget(self.kind)
        period_row.addWidget(self.period, 1)
        self.categories = QgsCheckableComboBox()
        self.categories.setToolTip(tr("Tick one or several categories: each becomes its own layer"))
        self._ticked: list[str] = []
        self.geography = QComboBox()
        self.measure = QComboBox()
        self.zone = QComboBox()
        self.zone.setToolTip(tr("Districts, wards and community safety partnership areas from the hub"))
        self.zoom_button = QPushButton(tr("Zoom to"))
        self.zoom_button.setToolTip(tr("Zoom the map to the chosen zone"))
        self.only_zone = QCheckBox(tr("Only this area"))
        self.only_zone.setToolTip(tr("Fetch just the areas inside the chosen zone"))
        zone_row = QHBoxLayout()                # under the zone, so the form fits a narrow panel
        zone_row.addWidget(self.zoom_button)
        zone_row.addWidget(self.only_zone, 1)
        form.addRow(tr("Period"), period_row)
        form.addRow(tr("Categories"), self.categories)
        form.addRow(tr("Geography"), self.geography)
        form.addRow(tr("Measure"), self.measure)
        form.addRow(tr("Zone"), self.zone)
        form.addRow("", zone_row)
        self.set_zones([])
        self.kind.currentIndexChanged.connect(self._fill_periods)
        self.kind.currentIndexChanged.connect(self.update_geographies)
        self.categories.checkedItemsChanged.connect(self._exclusive_all)
        self.categories.checkedItemsChanged.connect(self.update_geographies)

    # ---- filling ---------------------------------------------------------------------------
    def set_entry(self, entry: Optional[dict]) -> None:
        """Offer the periods, categories, measures of ``entry`` (a catalogue entry), keeping the
        analyst's measure and period kind where the new dataset has them."""
        self.entry = entry
        kept = {combo: combo.currentData() for combo in (self.kind, self.measure)}
        for combo in (self.kind, self.period, self.categories, self.geography, self.measure):
            combo.blockSignals(True)
            combo.clear()
        if entry is not None:
            for kind, label, field in PERIOD_KINDS:
                if entry.get(field):
                    self.kind.addItem(_kind_label(entry, kind, label), kind)
            for c in entry["categories"]:
                self.categories.addItemWithCheckState(tr("All categories") if c == ALL else c,
                                                      Qt.CheckState.Checked if c == ALL else Qt.CheckState.Unchecked,
                                                      c)
            self.measure.addItem(tr("Count"), "count")
            rate = entry.get("rate") or {}
            if rate.get("label"):
                self.measure.addItem(tr("Rate {unit}").format(unit=rate["label"]), "rate")
        for combo, previous in kept.items():
            combo.setCurrentIndex(max(0, combo.findData(previous)))
        for combo in (self.kind, self.period, self.categories, self.geography, self.measure):
            combo.blockSignals(False)
        self._ticked = list(self.categories.checkedItemsData())
        self._fill_periods()
        self.update_geographies()

    def _fill_periods(self) -> None:
        self.period.clear()
        field = next((f for k, _, f in PERIOD_KINDS if k == self.kind.currentData()), None)
        if self.entry is None or field is None:
            return
        for p in reversed(self.entry.get(field, [])):           # newest first
            self.period.addItem(month_label(p, self.entry), p)

    def set_zones(self, zones: list[dict]) -> None:
        self.zone.clear()
        self.zone.addItem(tr("Whole county (no zone)"), None)
        for z in zones:
            self.zone.addItem(f"{z['name']} ({z['kind'].upper() if len(z['kind']) <= 4 else z['kind']})", z)
        self.zoom_button.setEnabled(bool(zones))

    def _exclusive_all(self, *_args) -> None:
        """"All categories" and specific ones exclude each other, and an empty list shows "All" again,
        so what is ticked is exactly what is fetched: the newest tick wins."""
        ticked = list(self.categories.checkedItemsData())
        if self.categories.findData(ALL) >= 0:
            specific, all_new = set(ticked) - {ALL}, ALL in ticked and ALL not in self._ticked
            keep = specific if specific and not all_new else {ALL}
            if keep != set(ticked):
                self.categories.blockSignals(True)
                for i in range(self.categories.count()):
                    self.categories.setItemCheckState(i, Qt.CheckState.Checked if self.categories.itemData(i) in keep
                                                      else Qt.CheckState.Unchecked)
                self.categories.blockSignals(False)
        self._ticked = list(self.categories.checkedItemsData())

    def chosen_categories(self) -> list[str]:
        return list(self.categories.checkedItemsData()) or [ALL]

    def update_geographies(self) -> None:
        """Only the geographies the release policy publishes every chosen category at, for this kind."""
        if self.entry is None:
            return
        rules = self.entry.get("publication" if self.kind.currentData() == "month" else "publication_years") or {}
        allowed = [g for g in self.entry["geographies"]
                   if all(g in rules.get(c, self.entry["geographies"]) for c in self.chosen_categories())]
        previous = self.geography.currentData()
        self.geography.clear()
        for g in allowed:
            self.geography.addItem(geography_label(g, allowed), g)
        for wanted in (previous, "lsoa", "lsoa21"):            # keep the analyst's level, else the usual one
            if self.geography.findData(wanted) >= 0:
                self.geography.setCurrentIndex(self.geography.findData(wanted))
                break

    # ---- reading ---------------------------------------------------------------------------
    def current_zone(self) -> Optional[dict]:
        return self.zone.currentData()

    def requests(self) -> list[LayerRequest]:
        """One request per chosen category (empty when nothing can be fetched)."""
        if self.entry is None or self.geography.currentData() is None:
            return []
        zone = self.current_zone() if self.only_zone.isChecked() else None
        return [LayerRequest(self.entry["id"], self.geography.currentData(), self.period.currentData(), c,
                             self.measure.currentData() or "count", zone["id"] if zone else None,
                             zone["name"] if zone else "")
                for c in self.chosen_categories()]
