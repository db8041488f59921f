"""Cells that spreadsheet programs will not run: CSV injection neutralised the OWASP way.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(...)`). Such a
cell gets a single quote in front, which the programs show as text; every cell is also quoted, with
its own double quotes doubled (csv.QUOTE_ALL). Numbers are left alone: they are never formulas.
https://owasp.org/www-community/attacks/CSV_Injection"""

import csv
import io

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


def xlsx_bytes(sheets):
    """An XLSX workbook of `sheets`, [(title, rows)], as bytes. Every text cell is stored as
    text (a formula's first character included, with the quote-prefix flag spreadsheet programs
    honour), so nothing in it is ever run; numbers stay numbers."""
    from openpyxl import Workbook  # only the downloads need it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title, workbook.sheetnames))
        for row in rows:
            sheet.append([xlsx_value(value, ILLEGAL_CHARACTERS_RE) for value in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would read "=..." as a formula
                    cell.quotePrefix = cell.value.startswith(FORMULA_STARTS)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_value(value, illegal_characters):
    """Numbers as numbers, nothing for None or "", anything else as its text, without the
    control characters (other than tab and line breaks) that XLSX cannot store at all."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return value
    return illegal_characters.sub("", str(value))


SHEET_TITLE_LENGTH = 31  # Excel's limit
SHEET_TITLE_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})


def sheet_title(title, taken):
    """A sheet name Excel accepts, unique in the workbook."""
    base = str(title).translate(SHEET_TITLE_FORBIDDEN).strip()[:SHEET_TITLE_LENGTH] or "Sheet"
    name, number = base, 2
    while name in taken:
        suffix = f" {number}"
        name, number = base[:SHEET_TITLE_LENGTH - len(suffix)] + suffix, number + 1
    return name
