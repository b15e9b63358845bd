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


def test_csv_replies_keep_line_breaks_inside_their_fields():
    """A value holding a carriage return or newline (a fuzzed query string in the audit log) stays
    one field of one row, for any CSV reader, a spreadsheet included."""
    import csv
    import io

    from jin_hub.access.auditlog import FIELDS, to_csv
    from jin_hub.api.deps import csv_response

    values = ["a\rb", "c\nd", "e\r\nf"]
    reply = csv_response(["x", "y", "z"], [values]).body.decode()
    assert list(csv.reader(io.StringIO(reply, newline=""))) == [["x", "y", "z"], values]
    rows = list(csv.DictReader(io.StringIO(to_csv([dict.fromkeys(FIELDS, "") | {"params": v} for v in values]),
                                           newline="")))
    assert [r["params"] for r in rows] == values
