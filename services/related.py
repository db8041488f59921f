"""Reports that may be about the same people, across every village the user may see: the same
passport number, the same name and nationality, or a similar name in the same village within
seven days. A fixed number of statements, however many persons or matches."""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import and_
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all

from domain import matching
from extensions import db
from models import Person
from models import Report
from models import Village
from services.reports import visible_reports

WINDOW = timedelta(days=7)
MAX_MATCHES = 20
MAX_CANDIDATES = 500

# Why a report may be related (web/labels.py names them), strongest first.
PASSPORT = "passport"
NAME = "name"
NEARBY = "nearby"


class RelatedReport(NamedTuple):
    """What the report page shows of a related report."""

    id: int
    code: str
    status: str
    village: str
    created_at: datetime
    names: list


@dataclass
class Match:
    report: RelatedReport
    reasons: list = field(default_factory=list)


def _candidates(report, user):
    """(report id, reason, person name key) rows, one indexed SELECT per rule in one statement."""
    persons = report.persons
    passports = {p.passport_no for p in persons if p.passport_no}
    passports |= {matching.passport_key(number) for number in passports}
    names = {(p.name_key, p.nationality) for p in persons if p.name_key and p.nationality}
    created = report.created_at

    def rule(reason, condition):
        return (
            select(Person.report_id, literal(reason).label("reason"), Person.name_key)
            .join(Report, Report.id == Person.report_id)
            .where(condition, Report.id != report.id, visible_reports(user))
            .limit(MAX_CANDIDATES)
        )

    rules = [
        rule(NEARBY, and_(Report.village_id == report.village_id,
                          Report.created_at.between(created - WINDOW, created + WINDOW)))
    ]
    if passports:
        rules.append(rule(PASSPORT, Person.passport_no.in_(passports)))
    if names:
        rules.append(rule(NAME, or_(*[
            and_(Person.name_key == key, Person.nationality == nationality)
            for key, nationality in names
        ])))
    # Each rule in its own subquery, so its LIMIT stays its own.
    subqueries = [select(*r.subquery().c) for r in rules]
    return db.session.execute(union_all(*subqueries)).all()


def related_reports(report, user):
    """The possible matches of `report`, strongest reasons first, then newest. The candidates
    are ranked by their ids and reasons alone, so only the shown ones are read, in two
    statements (the reports, their persons' names), as plain rows."""
    own_keys = [p.name_key for p in report.persons if p.name_key]
    similar = {}  # name key -> whether it is like one of the report's own; names repeat
    reasons = {}
    for report_id, reason, name_key in _candidates(report, user):
        if reason == NEARBY:
            if name_key not in similar:
                similar[name_key] = any(matching.similar_names(name_key, k) for k in own_keys)
            if not similar[name_key]:
                continue
        reasons.setdefault(report_id, set()).add(reason)
    order = (PASSPORT, NAME, NEARBY)
    shown = sorted(reasons, key=lambda report_id: (order.index(_strongest(reasons[report_id])),
                                                   -report_id))[:MAX_MATCHES]
    if not shown:
        return []
    names = {report_id: [] for report_id in shown}
    for report_id, name in db.session.execute(
        select(Person.report_id, Person.name)
        .where(Person.report_id.in_(shown), Person.name.is_not(None), Person.name != "")
        .order_by(Person.id)
    ):
        names[report_id].append(name)
    found = {
        row.id: RelatedReport(*row, names[row.id])
        for row in db.session.execute(
            select(Report.id, Report.code, Report.status, Village.name, Report.created_at)
            .join(Village, Village.id == Report.village_id)
            .where(Report.id.in_(shown))
        )
    }
    return [Match(found[report_id], [x for x in order if x in reasons[report_id]])
            for report_id in shown]


def _strongest(found):
    return next(reason for reason in (PASSPORT, NAME, NEARBY) if reason in found)


def duplicates_of(report, user):
    """The reports closed as duplicates of this one that the user may see."""
    return list(db.session.scalars(
        select(Report)
        .where(Report.duplicate_of_id == report.id, visible_reports(user))
        .order_by(Report.created_at)
    ))
