"""The TIMPORA recap: what the villages reported in a period, counted for the coordination
meeting. It carries no reporter's identity and no foreigner's name or passport number,
since it is shared with other agencies."""

from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import select

from domain import Source
from domain import Status
from domain import Urgency
from domain.calendar import day_bounds
from extensions import db
from models import Event
from models import Person
from models import Report
from models import Village
from services.reports import in_villages

# The columns of the table of villages, for the page and the CSV (web/labels.py titles them).
VILLAGE_COLUMNS = ("village", "reports", "urgent", "from_officials", "from_residents", "closed")


@dataclass
class VillageRow:
    """Counts for one village in the period."""

    village: str
    total: int = 0
    by_source: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_outcome: Counter = field(default_factory=Counter)
    urgent: int = 0

    def cells(self):
        """The row's values in the order of VILLAGE_COLUMNS."""
        return (self.village, self.total, self.urgent, self.by_source[Source.OFFICIAL],
                self.by_source[Source.RESIDENT], self.by_status[Status.CLOSED])


@dataclass
class Recap:
    date_from: object
    date_to: object
    villages: list
    by_category: Counter
    by_nationality: Counter
    forwarded: list
    total: int

    def totals(self):
        """Each count column of the table of villages summed, in the order of VILLAGE_COLUMNS[1:]."""
        columns = len(VILLAGE_COLUMNS) - 1
        return tuple(sum(row.cells()[1 + index] for row in self.villages) for index in range(columns))


def build_recap(village_ids, date_from, date_to):
    """Count the reports received in the period in the given villages (None: all villages)."""
    start, end = day_bounds(date_from, date_to)
    in_scope = [Report.created_at >= start, Report.created_at < end, in_villages(village_ids)]

    rows = {}
    grouped = db.session.execute(
        select(Village.name, Report.source, Report.status, Report.outcome, Report.urgency,
               func.count(Report.id))
        .join(Village, Village.id == Report.village_id)
        .where(*in_scope)
        .group_by(Village.name, Report.source, Report.status, Report.outcome, Report.urgency)
    )
    for village, source, status, outcome, urgency, count in grouped:
        row = rows.setdefault(village, VillageRow(village))
        row.total += count
        row.by_source[source] += count
        row.by_status[status] += count
        if outcome:
            row.by_outcome[outcome] += count
        if urgency == Urgency.URGENT:
            row.urgent += count

    by_category = Counter(dict(db.session.execute(
        select(Report.category, func.count(Report.id)).where(*in_scope).group_by(Report.category)
    ).all()))
    by_nationality = Counter(dict(db.session.execute(
        select(Person.nationality, func.count(Person.id))
        .join(Report, Report.id == Person.report_id)
        .where(*in_scope, Person.nationality != "")
        .group_by(Person.nationality)
    ).all()))
    forwarded_ids = select(Event.report_id).where(Event.to_status == Status.FORWARDED)
    forwarded = db.session.execute(
        select(Report.code, Village.name, Report.category, Report.created_at, Report.status,
               Report.outcome)
        .join(Village, Village.id == Report.village_id)
        .where(*in_scope, Report.id.in_(forwarded_ids))
        .order_by(Report.created_at)
    ).all()
    villages = sorted(rows.values(), key=lambda row: row.village)
    return Recap(date_from, date_to, villages, by_category, by_nationality, forwarded,
                 sum(row.total for row in villages))
