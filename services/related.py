"""Reports that may be about the same people, across every village the user may see: the same
passport number, the same name and nationality, or a similar name in the same village within
seven days. A fixed number of statements, however many persons or matches."""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import union_all

from domain import matching
from extensions import db
from models import Person
from models import Report
from models import Village
from models import passport_index
from services.reports import in_villages
from services.reports import persons_report_in_villages
from services.reports import village_scope

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
    # Passports are sealed: SQL compares their blind index (services/passports.py).
    passports = {passport_index(p.passport_no) for p in persons if matching.passport_key(p.passport_no)}
    names = sorted({(p.name_key, p.nationality) for p in persons if p.name_key and p.nationality})
    statement = _candidates_statement(village_scope(user), bool(passports), len(names))
    values = {"report_id": report.id, "village_id": report.village_id,
              "since": report.created_at - WINDOW, "until": report.created_at + WINDOW,
              "passports": sorted(passports)}
    for number, (key, nationality) in enumerate(names):
        values[f"name_{number}"], values[f"nationality_{number}"] = key, nationality
    return db.session.execute(statement, values).all()


# Building the statement costs several times what running it does; its shape depends only on
# these arguments, the report's values are bound when it runs.
@lru_cache(maxsize=256)
def _candidates_statement(village_ids, with_passports, name_count):
    """The candidates' statement for the user's villages, with a passport rule or not, and a
    name rule for each of `name_count` (name, nationality) pairs. Each rule starts from its own
    index and reads a few rows: nearby reports through (village, created), in the report's own
    village, which the viewer sees; passport and name matches through the persons' indexes,
    each match's village read by its report's key.

    A name rule reads its newest MAX_MATCHES, straight from the index: a report shown for that
    reason ranks below every newer one found by it, so none beyond them could be shown (a shown
    report found by several rules may then list fewer reasons). Nearby candidates are kept by
    name similarity after the statement, so that rule reads up to MAX_CANDIDATES (a week of one
    village); passport matches are few, and read whole up to the same bound."""
    created = Report.__table__.c.created_at
    rules = [
        select(Person.report_id, literal(NEARBY).label("reason"), Person.name_key)
        .join(Report, Report.id == Person.report_id)
        .where(Report.village_id == bindparam("village_id"),
               created.between(bindparam("since", type_=created.type),
                               bindparam("until", type_=created.type)),
               Report.id != bindparam("report_id"))
        .limit(MAX_CANDIDATES)
    ]
    visible = persons_report_in_villages(village_ids)

    def matches(reason, *conditions):
        return (select(Person.report_id, literal(reason).label("reason"), Person.name_key)
                .where(*conditions, Person.report_id != bindparam("report_id"), visible))

    if with_passports:
        rules.append(matches(PASSPORT, Person.passport_index.in_(
            bindparam("passports", expanding=True))).limit(MAX_CANDIDATES))
    rules += [matches(NAME, Person.name_key == bindparam(f"name_{number}"),
                      Person.nationality == bindparam(f"nationality_{number}"))
              .order_by(Person.report_id.desc()).limit(MAX_MATCHES)
              for number in range(name_count)]
    # Each rule in its own subquery, so its LIMIT stays its own.
    return union_all(*[select(*r.subquery().c) for r in rules])


# What the page shows of the related reports, built once: the reports, and their persons' names.
SHOWN_REPORTS = (
    select(Report.id, Report.code, Report.status, Village.name, Report.created_at)
    .join(Village, Village.id == Report.village_id)
    .where(Report.id.in_(bindparam("ids", expanding=True)))
)
SHOWN_NAMES = (
    select(Person.report_id, Person.name)
    .where(Person.report_id.in_(bindparam("ids", expanding=True)),
           Person.name.is_not(None), Person.name != "")
    .order_by(Person.id)
)


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
    for report_id, name in db.session.execute(SHOWN_NAMES, {"ids": shown}):
        names[report_id].append(name)
    found = {row.id: RelatedReport(*row, names[row.id])
             for row in db.session.execute(SHOWN_REPORTS, {"ids": shown})}
    return [Match(found[report_id], [x for x in order if x in reasons[report_id]])
            for report_id in shown]


def _strongest(found):
    return next(reason for reason in (PASSPORT, NAME, NEARBY) if reason in found)


def duplicates_of(report, user):
    """The reports closed as duplicates of this one that the user may see."""
    statement = _duplicates_statement(village_scope(user))
    return list(db.session.execute(statement, {"report_id": report.id}))


@lru_cache(maxsize=256)
def _duplicates_statement(village_ids):
    """(id, code) of the duplicates of a report, in the given villages, oldest first."""
    return (
        select(Report.id, Report.code)
        .where(Report.duplicate_of_id == bindparam("report_id"), in_villages(village_ids))
        .order_by(Report.created_at)
    )
