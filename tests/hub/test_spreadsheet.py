"""Text a spreadsheet would run as a formula is neutralised; everything else is left alone."""

import pytest

from jin_hub.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_formulas_become_text(text):
    assert safe_cell(text) == "'" + text


def test_other_values_are_unchanged():
    assert safe_row(["E01013811", "Burglary", 12, -3, None, 1.5, ""]) == ["E01013811", "Burglary", 12, -3, None,
                                                                           1.5, ""]
