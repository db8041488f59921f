"""The TIMPORA recap: what the villages reported in a period and how it was handled, each
figure beside the previous period of the same length, for a scope (all villages, one officer's,
one village). The figures carry no reporter's identity and no foreigner's name or passport
number, since they are shared with other agencies; `personal_rows` is the admins' separate
export of those.

Each period costs the same few statements whatever the number of reports: one grouped count,
one of nationalities, one list of timestamps for the waiting times, and the three of the
villages' monthly standings (reported, nil check-in, silent)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import Category
from domain import EventKind
from domain import Outcome
from domain import Role
from domain import Status
from domain import Urgency
from domain.calendar import day_bounds
from domain.calendar import office_today
from domain.checkins import Standing
from domain.recap_figures import FigureBlock
from domain.recap_figures import FigureRow
from domain.recap_figures import compare_counts
from domain.recap_figures import percentile
from domain.recap_figures import previous_period
from domain.recap_figures import rounded_days
from domain.recap_figures import working_days_between
from extensions import db
from models import Event
from models import Person
from models import Report
from models import User
from models import Village
from models import officer_villages
from services import audit
from services.checkins import standing_grid
from services.reports import in_villages

# The label kinds of the figure blocks' keys (web/recap_tables.py names them).
VILLAGE, CATEGORY, STATUS, OUTCOME, NATIONALITY, OFFICER, MEASURE, STANDING = (
    "village", "category", "status", "outcome", "nationality", "officer", "measure", "standing")
# The waiting times: (which wait, which quantile) in the order the recap lists them.
WAIT_MEASURES = (("first_review", "median"), ("first_review", "p90"),
                 ("closing", "median"), ("closing", "p90"))
QUANTILES = {"median": Fraction(1, 2), "p90": Fraction(9, 10)}
UNASSIGNED = 0  # the officer key of reports nobody has taken


@dataclass
class PeriodCounts:
    """What one period's statements return, before it is set beside the other period."""

    summary: Counter
    village_category: Counter
    status: Counter
    outcome: Counter
    nationality: Counter
    officer: Counter
    officer_names: dict
    waits: dict
    standings: Counter


@dataclass
class Recap:
    date_from: date
    date_to: date
    previous_from: date
    previous_to: date
    blocks: list
    forwarded: list

    @property
    def reports(self):
        """How many reports came in this period (summary's first row)."""
        return self.block("summary").rows[0].current

    def block(self, name):
        return next(block for block in self.blocks if block.name == name)


def _in_period(village_ids, date_from, date_to):
    start, end = day_bounds(date_from, date_to)
    return [Report.created_at >= start, Report.created_at < end, in_villages(village_ids)]


def _period_counts(village_ids, date_from, date_to):
    in_scope = _in_period(village_ids, date_from, date_to)
    counts = PeriodCounts(Counter(), Counter(), Counter(), Counter(), Counter(), Counter(), {}, {},
                          _standings(village_ids, date_from, date_to))
    grouped = db.session.execute(
        select(Village.name, Report.category, Report.status, Report.outcome, Report.urgency,
               Report.assignee_id, User.full_name, func.count(Report.id))
        .join(Village, Village.id == Report.village_id)
        .outerjoin(User, User.id == Report.assignee_id)
        .where(*in_scope)
        .group_by(Village.name, Report.category, Report.status, Report.outcome, Report.urgency,
                  Report.assignee_id, User.full_name)
    )
    for village, category, status, outcome, urgency, assignee_id, assignee_name, count in grouped:
        counts.summary[("reports",)] += count
        if urgency == Urgency.URGENT:
            counts.summary[("urgent",)] += count
        counts.village_category[(village, category)] += count
        counts.status[(status,)] += count
        if outcome:
            counts.outcome[(outcome,)] += count
        counts.officer[(assignee_id or UNASSIGNED,)] += count
        if assignee_id:
            counts.officer_names[assignee_id] = assignee_name

    counts.nationality = Counter({(code,): count for code, count in db.session.execute(
        select(Person.nationality, func.count(Person.id))
        .join(Report, Report.id == Person.report_id)
        .where(*in_scope, Person.nationality != "")
        .group_by(Person.nationality)
    )})

    # The last move to "closed" of each report still closed (a reopened report closes again).
    closed_at = (select(Event.report_id, func.max(Event.created_at).label("closed_at"))
                 .where(Event.kind == EventKind.STATUS, Event.to_status == Status.CLOSED)
                 .group_by(Event.report_id).subquery())
    first_review, closing = [], []
    for created_at, reviewed_at, status, closed in db.session.execute(
        select(Report.created_at, Report.first_reviewed_at, Report.status, closed_at.c.closed_at)
        .outerjoin(closed_at, closed_at.c.report_id == Report.id)
        .where(*in_scope)
    ):
        if reviewed_at is not None:
            first_review.append(working_days_between(created_at, reviewed_at))
        if status == Status.CLOSED and closed is not None:
            closing.append(working_days_between(created_at, closed))
    waits = {"first_review": first_review, "closing": closing}
    counts.waits = {(wait, quantile): rounded_days(percentile(waits[wait], QUANTILES[quantile]))
                    for wait, quantile in WAIT_MEASURES}
    return counts


def _standings(village_ids, date_from, date_to):
    """How many village-months of the period's months were reported, nil, silent or still open
    (services.checkins: the same grid as the village overview)."""
    grid = standing_grid(village_ids, date_from, date_to, office_today())
    return Counter((standing,) for row in grid.villages for standing in row.cells(grid.months))


def _officer_rows(current, previous):
    names = {**previous.officer_names, **current.officer_names}
    officers = sorted(names, key=lambda officer_id: (names[officer_id], officer_id))
    order = [(officer_id,) for officer_id in officers] + [(UNASSIGNED,)]
    rows = compare_counts(current.officer, previous.officer, order)
    return [FigureRow((names.get(row.keys[0], UNASSIGNED),), row.current, row.previous) for row in rows]


def build_blocks(current, previous):
    """The recap's figure blocks, in the order the page, the CSV and the XLSX show them. One more
    figure is one more entry here and one title in web/recap_tables.py."""
    return [
        FigureBlock("summary", (MEASURE,), compare_counts(
            current.summary, previous.summary, [("reports",), ("urgent",)], keep_zeros=True),
            chart=False),
        FigureBlock("village_category", (VILLAGE, CATEGORY),
                    compare_counts(current.village_category, previous.village_category, sorted(
                        set(current.village_category) | set(previous.village_category),
                        key=lambda key: (key[0], list(Category).index(key[1])
                                         if key[1] in set(Category) else len(Category)))),
                    total=True),
        FigureBlock("status", (STATUS,), compare_counts(
            current.status, previous.status, [(status,) for status in Status], keep_zeros=True),
            total=True),
        FigureBlock("outcome", (OUTCOME,), compare_counts(
            current.outcome, previous.outcome, [(outcome,) for outcome in Outcome], keep_zeros=True),
            total=True),
        FigureBlock("nationality", (NATIONALITY,), compare_counts(current.nationality,
                                                                  previous.nationality), total=True),
        FigureBlock("waits", (MEASURE,), [
            FigureRow((f"{wait}_{quantile}",), current.waits[(wait, quantile)],
                      previous.waits[(wait, quantile)]) for wait, quantile in WAIT_MEASURES]),
        FigureBlock("officer", (OFFICER,), _officer_rows(current, previous), total=True),
        FigureBlock("checkins", (STANDING,), compare_counts(
            current.standings, previous.standings, [(standing,) for standing in Standing],
            keep_zeros=True), total=True),
    ]


def _forwarded(village_ids, date_from, date_to):
    forwarded_ids = select(Event.report_id).where(Event.to_status == Status.FORWARDED)
    return db.session.execute(
        select(Report.code, Village.name, Report.category, Report.created_at, Report.status,
               Report.outcome)
        .join(Village, Village.id == Report.village_id)
        .where(*_in_period(village_ids, date_from, date_to), Report.id.in_(forwarded_ids))
        .order_by(Report.created_at)
    ).all()


def build_recap(village_ids, date_from, date_to):
    """The recap of the reports received from `date_from` to `date_to` (office days) in the
    given villages (None: all villages), beside the period of the same length before it."""
    previous_from, previous_to = previous_period(date_from, date_to)
    current = _period_counts(village_ids, date_from, date_to)
    previous = _period_counts(village_ids, previous_from, previous_to)
    return Recap(date_from, date_to, previous_from, previous_to, build_blocks(current, previous),
                 _forwarded(village_ids, date_from, date_to))


# The scope of a recap: everything one may see, one officer's villages, or one village.

def scope_villages(visible_ids):
    """The villages one may choose from, by name: (id, name)."""
    statement = select(Village.id, Village.name).order_by(Village.name)
    if visible_ids is not None:
        statement = statement.where(Village.id.in_(visible_ids))
    return db.session.execute(statement).all()


def scope_officers():
    """The officers an admin may choose from, active or not, by name, with their villages'
    ids, in one statement: [(id, full name, [village id])]."""
    officers = {}
    for officer_id, name, village_id in db.session.execute(
        select(User.id, User.full_name, officer_villages.c.village_id)
        .outerjoin(officer_villages, officer_villages.c.user_id == User.id)
        .where(User.role == Role.OFFICER).order_by(User.full_name, User.id, officer_villages.c.village_id)
    ):
        villages = officers.setdefault(officer_id, (officer_id, name, []))[2]
        if village_id is not None:
            villages.append(village_id)
    return list(officers.values())


def record_download(kind, actor, file_format, date_from, date_to, scope_title, rows,
                    village_id=None, officer_id=None):
    """One audit entry per download, committed: who and when (the entry), the period, the scope
    (its title, and the village or officer chosen), the format and how many rows it held."""
    audit.record(kind, actor=actor, user=db.session.get(User, officer_id) if officer_id else None,
                 village=db.session.get(Village, village_id) if village_id else None,
                 changes={"format": [None, file_format], "scope": [None, scope_title],
                          "period": [None, f"{date_from.isoformat()} – {date_to.isoformat()}"],
                          "rows": [None, rows]})
    db.session.commit()


# The admins' export with identities, never part of the shared recap.

def passport_number(person):
    """A person's passport number as the office reads it: every export reads it here."""
    return person.passport_no


def reporter_identity(report):
    """(name, phone) of who sent a report: the account's for an official, what a resident gave
    otherwise, nothing for an anonymous tip."""
    if report.anonymous:
        return "", ""
    if report.reporter is not None:
        return report.reporter.full_name, report.reporter.phone
    return report.reporter_name, report.reporter_phone


def personal_rows(village_ids, date_from, date_to):
    """The period's reports with their reporters and persons, one row per person (a report
    without persons gets one row): (report, person or None), oldest first."""
    reports = db.session.scalars(
        select(Report).options(selectinload(Report.persons), selectinload(Report.village),
                               selectinload(Report.reporter))
        .where(*_in_period(village_ids, date_from, date_to)).order_by(Report.created_at, Report.id)
    )
    return [(report, person) for report in reports for person in (report.persons or [None])]
