"""The option lists the panel and Processing both offer, one (id → label) table each, so an analyst
reads the same words in both. Labels are marked ``QT_TR_NOOP`` and translated where shown
(``translated``). Processing stores an option's index in models: keep the order, add new options last.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..i18n import QT_TR_NOOP, tr
from .layouts import PAGES

Choices = Sequence[tuple[str, str]]            # (stable id, readable label)

#: in the order of ``symbology.METHODS``
CLASSIFICATIONS: Choices = [("jenks", QT_TR_NOOP("Natural breaks (Jenks)")),
                            ("quantile", QT_TR_NOOP("Quantiles (equal count)")),
                            ("equal", QT_TR_NOOP("Equal interval")), ("pretty", QT_TR_NOOP("Pretty breaks")),
                            ("stddev", QT_TR_NOOP("Standard deviation"))]
NEIGHBOURS: Choices = [("queen", QT_TR_NOOP("Queen: a shared edge or corner")),
                       ("rook", QT_TR_NOOP("Rook: a shared edge"))]
ADJUSTMENTS: Choices = [("none", QT_TR_NOOP("None")), ("fdr", QT_TR_NOOP("False discovery rate (Benjamini–Hochberg)")),
                        ("bonferroni", QT_TR_NOOP("Bonferroni"))]
SMOOTHING: Choices = [("none", QT_TR_NOOP("None: rates as published")),
                      ("eb", QT_TR_NOOP("Empirical Bayes (towards the county)")),
                      ("spatial_eb", QT_TR_NOOP("Spatial empirical Bayes (towards the neighbourhood)"))]
#: readable names of ``layouts.PAGES``; a page not named here shows its id
PAGE_LABELS = {"a4-landscape": QT_TR_NOOP("A4 landscape"), "a4-portrait": QT_TR_NOOP("A4 portrait"),
               "a3-landscape": QT_TR_NOOP("A3 landscape"), "a3-portrait": QT_TR_NOOP("A3 portrait")}


def translated(options: Choices) -> Choices:
    """``options`` whose labels are marked ``QT_TR_NOOP``, in the user's language."""
    return [(option_id, tr(label)) for option_id, label in options]


def page_options() -> Choices:
    """Every print template of ``layouts.PAGES``, in its order, by its readable name."""
    return [(page, tr(PAGE_LABELS[page]) if page in PAGE_LABELS else page) for page in PAGES]
