"""Cells that are safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a CSV cell that starts with ``=``, ``+``, ``-``, ``@`` (or a
tab or carriage return before one) as a formula, so a hostile value in a partner's extract or a
request's query string could run when an analyst opens an export (OWASP "CSV injection"). Every CSV
the hub writes passes its text cells through ``safe_cell``; numbers are left as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula: then it is
    prefixed with an apostrophe, which spreadsheets show as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """``safe_cell`` of every value of a row."""
    return [safe_cell(v) for v in values]
