"""Reports that may be about the same people, across every village the user may see: the same
passport number, the same name and nationality, or a similar name in the same village within
seven days. A fixed number of statements, however many persons or matches."""

from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from domain import matching
from extensions import db
from models import Person
from models import Report
from services.passports import passport_equals
from services.reports import visible_reports

WINDOW = timedelta(days=7)
MAX_MATCHES = 20
MAX_CANDIDATES = 500

# Why a report may be related (web/labels.py names them), strongest first.
PASSPORT = "passport"
NAME = "name"
NEARBY = "nearby"


@dataclass
class Match:
    report: Report
    reasons: list = field(default_factory=list)


def _candidates(report, user):
    """(report id, reason, person name key) rows, one indexed SELECT per rule in one statement."""
    persons = report.persons
    passports = {p.passport_no for p in persons if matching.passport_key(p.passport_no)}
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
        rules.append(rule(PASSPORT, or_(*[passport_equals(number) for number in passports])))
    if names:
        rules.append(rule(NAME, or_(*[
            and_(Person.name_key == key, Person.nationality == nationality)
            for key, nationality in names
        ])))
    # Each rule in its own subquery, so its LIMIT stays its own.
    subqueries = [select(*r.subquery().c) for r in rules]
    return db.session.execute(union_all(*subqueries)).all()


def related_reports(report, user):
    """The possible matches of `report`, strongest reasons first, then newest."""
    own_keys = [p.name_key for p in report.persons if p.name_key]
    reasons = {}
    for report_id, reason, name_key in _candidates(report, user):
        if reason == NEARBY and not any(matching.similar_names(name_key, k) for k in own_keys):
            continue
        reasons.setdefault(report_id, set()).add(reason)
    if not reasons:
        return []
    order = (PASSPORT, NAME, NEARBY)
    found = db.session.scalars(
        select(Report)
        .where(Report.id.in_(reasons))
        .options(joinedload(Report.village), selectinload(Report.persons))
    ).unique()
    matches = [Match(r, [x for x in order if x in reasons[r.id]]) for r in found]
    matches.sort(key=lambda m: (order.index(_strongest(reasons[m.report.id])),
                                -m.report.id))
    return matches[:MAX_MATCHES]


def _strongest(found):
    return next(reason for reason in (PASSPORT, NAME, NEARBY) if reason in found)


def duplicates_of(report, user):
    """The reports closed as duplicates of this one that the user may see."""
    return list(db.session.scalars(
        select(Report)
        .where(Report.duplicate_of_id == report.id, visible_reports(user))
        .order_by(Report.created_at)
    ))
