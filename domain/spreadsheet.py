"""Cells that spreadsheet programs will not run: CSV injection neutralised the OWASP way.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(...)`). Such a
cell gets a single quote in front, which the programs show as text; every cell is also quoted, with
its own double quotes doubled (csv.QUOTE_ALL). Numbers are left alone: they are never formulas.
https://owasp.org/www-community/attacks/CSV_Injection"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet shows it as text: a quote before a formula's first character."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(value) for value in values]


def writer(out):
    """A CSV writer quoting every cell; pass each row through `safe_row`."""
    return csv.writer(out, quoting=csv.QUOTE_ALL)
