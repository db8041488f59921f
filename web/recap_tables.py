"""The recap's figure blocks as cells in the reader's language: the one source of the page's
tables and charts, the CSV and the XLSX, so the three always carry the same figures."""

from dataclasses import dataclass

from flask_babel import format_decimal

from services.recap import CATEGORY
from services.recap import MEASURE
from services.recap import NATIONALITY
from services.recap import OFFICER
from services.recap import OUTCOME
from services.recap import STANDING
from services.recap import STATUS
from services.recap import VILLAGE
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.labels import label
from web.person_form import nationality_name

BLOCK_TITLES = {
    "summary": _l("Reports received"),
    "village_category": _l("Reports by village and category"),
    "status": _l("Reports by status"),
    "outcome": _l("Outcomes of closed reports"),
    "nationality": _l("Nationalities of the persons reported"),
    "waits": _l("Working days to first review and to closing"),
    "officer": _l("Reports per assigned officer"),
    "checkins": _l("Village months: reported, nil check-in, silent"),
}
LABEL_COLUMN_TITLES = {
    VILLAGE: _l("Village"), CATEGORY: _l("Category"), STATUS: _l("Status"),
    OUTCOME: _l("Outcome"), NATIONALITY: _l("Nationality"), OFFICER: _l("Officer"),
    MEASURE: _l("Figure"), STANDING: _l("Standing"),
}
MEASURE_LABELS = {
    "reports": _l("Reports"),
    "urgent": _l("Urgent reports"),
    "first_review_median": _l("First review, median"),
    "first_review_p90": _l("First review, 90th percentile"),
    "closing_median": _l("Closing, median"),
    "closing_p90": _l("Closing, 90th percentile"),
}


@dataclass
class RecapTable:
    """One figure block as the reader sees it: headers, rows of cells (labels, then this period
    and the previous one), the totals row or None, and whether it is drawn as a chart."""

    name: str
    title: str
    headers: list
    rows: list
    totals: list | None
    chart: bool

    @property
    def label_columns(self):
        return len(self.headers) - 2

    def bars(self):
        """(label, this period, previous period) of each row, for the chart."""
        columns = self.label_columns
        return [(" · ".join(str(cell) for cell in row[:columns]), row[columns] or 0, row[columns + 1] or 0)
                for row in self.rows]


def figure_text(value):
    """A figure as the page shows it: counts as they are, working days with one decimal in the
    reader's language, a dash for a time with nothing to measure."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return format_decimal(value, "0.0")
    return str(value)


def key_label(kind, key):
    if kind == VILLAGE:
        return key
    if kind == NATIONALITY:
        return nationality_name(key)
    if kind == OFFICER:
        return key or _("Not assigned")
    if kind == MEASURE:
        return str(MEASURE_LABELS[key])
    return str(label(kind, key))


def recap_tables(recap):
    """Every figure block of `recap` (services.recap.Recap) as a RecapTable."""
    tables = []
    for block in recap.blocks:
        headers = [str(LABEL_COLUMN_TITLES[kind]) for kind in block.label_kinds]
        headers += [_("This period"), _("Previous period")]
        rows = [[key_label(kind, key) for kind, key in zip(block.label_kinds, row.keys, strict=True)]
                + [row.current, row.previous] for row in block.rows]
        totals = None
        if block.total:
            totals = [_("Total")] + [""] * (len(block.label_kinds) - 1) + list(block.totals())
        tables.append(RecapTable(block.name, str(BLOCK_TITLES[block.name]), headers, rows, totals,
                                 block.chart))
    return tables


def sheet_rows(table):
    """A table as spreadsheet rows: headers, rows, totals."""
    return [table.headers, *table.rows, *([table.totals] if table.totals else [])]
