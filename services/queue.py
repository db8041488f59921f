"""The review queue as SQL: the filters, the page of rows, and the counts per status. Built for
100,000 reports: every order has an index whose column directions match it (models.py). The
filters are read from the address bar by web/filters.py."""

import threading
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from datetime import date
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from cachetools import LRUCache
from flask import current_app
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import union_all

from domain import Status
from domain import Urgency
from domain.calendar import day_end
from domain.calendar import midnight_utc
from extensions import db
from models import Person
from models import Report
from models import User
from models import Village
from services import search
from services.reports import in_villages_by_key
from services.reports import village_scope

OPEN = "open"  # the default tab: every status but closed
ALL = "all"
TABS = (OPEN, *Status, ALL)
ASSIGNEES = ("anyone", "me", "unassigned")
SORTS = ("default", "newest", "activity")
PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_PAGE = 10_000

# The literal (not a bound parameter) lets SQLite use the partial index on open reports.
IS_OPEN = Report.status != literal_column(f"'{Status.CLOSED}'")
# Each order as (column, descending?), most significant first.
ORDERS = {
    "default": (("urgency", True), ("created_at", False)),  # urgent first, then longest waiting
    "newest": (("created_at", True), ("id", True)),
    "activity": (("updated_at", True), ("id", True)),
}


def order_by(sort, columns=Report.__table__.c):
    """The ORDER BY terms of `sort`, over the reports table or a subquery of its columns."""
    return [columns[name].desc() if descending else columns[name]
            for name, descending in ORDERS[sort]]


@dataclass(frozen=True)
class QueueFilters:
    """What the officer asked to see; the defaults are the queue as it first opens."""

    status: str = OPEN
    village: int | None = None
    category: str | None = None
    urgency: str | None = None
    source: str | None = None
    assignee: str = "anyone"
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "default"
    page: int = 1
    per_page: int = PER_PAGE

    def as_args(self, **changes):
        """URL parameters for these filters (defaults left out), with `changes` applied."""
        changed = replace(self, **changes)
        args = {}
        for field in fields(self):
            value = getattr(changed, field.name)
            if value != field.default and value not in (None, ""):
                args[field.name] = value.isoformat() if isinstance(value, date) else value
        return args

    def narrowed(self):
        """Whether any filter beyond the tab, search and order is in use."""
        return self.count_key() != QueueFilters().count_key()

    def count_key(self):
        """The filters the counts per status depend on (not the tab, search, order or page)."""
        return (self.village, self.category, self.urgency, self.source, self.assignee,
                self.date_from, self.date_to)


def _conditions(filters, user_id, dialect=None, for_counts=False, village_ids=None):
    """The WHERE terms for `filters`, villages aside (the callers scope them); the counts per
    status leave out the tab and the search. `user_id` is who "me" is; `dialect` the
    database's, which the search's index depends on, and `village_ids` the villages it reads."""
    conditions = []
    if filters.q and not for_counts:
        found = search.matching_reports(filters.q, dialect, village_ids)
        conditions.append(false() if found is None else Report.id.in_(found))
    if not for_counts and filters.status == OPEN:
        conditions.append(IS_OPEN)
    elif not for_counts and filters.status != ALL:
        conditions.append(Report.status == filters.status)
    for name in ("category", "urgency", "source"):
        if getattr(filters, name):
            conditions.append(getattr(Report, name) == getattr(filters, name))
    if filters.assignee == "me":
        conditions.append(Report.assignee_id == user_id)
    elif filters.assignee == "unassigned":
        conditions.append(Report.assignee_id.is_(None))
    if filters.date_from:
        conditions.append(Report.created_at >= midnight_utc(filters.date_from))
    if filters.date_to:
        conditions.append(Report.created_at < day_end(filters.date_to))
    return conditions


def _scope(user, filters):
    """The villages whose reports are listed: the one filtered on, or all the user may see
    (None: every village); and who "me" is, when the filters ask for it."""
    scoped = (filters.village,) if filters.village else village_scope(user)
    return scoped, user.id if filters.assignee == "me" else None


# What a row of the queue shows: read as plain rows, not ORM objects, which would cost more
# than the query itself on every page. The persons come in the same statement (the first one's
# name and how many there are), computed only for the rows listed.
_FIRST_PERSON = (select(Person.name).where(Person.report_id == Report.id)
                 .order_by(Person.id).limit(1).scalar_subquery())
_PERSON_COUNT = select(func.count(Person.id)).where(Person.report_id == Report.id).scalar_subquery()
ROW_COLUMNS = (
    Report.id, Report.code, Report.status, Report.urgency, Report.category, Report.source,
    Report.outcome, Report.created_at, Village.name.label("village_name"),
    User.full_name.label("assignee_name"), _FIRST_PERSON.label("first_person"),
    _PERSON_COUNT.label("person_count"),
)


class QueueRow(NamedTuple):
    """One report as the queue lists it (a named tuple: made 26 times per page)."""

    id: int
    code: str
    status: str
    urgency: str
    category: str
    source: str
    outcome: str | None
    created_at: datetime
    village_name: str
    assignee_name: str | None
    first_person: str | None
    person_count: int


def queue_page(user, filters):
    """One page of reports, and whether another page follows: one statement, however many rows."""
    village_ids, user_id = _scope(user, filters)
    if village_ids == ():
        return [], False
    statement = page_statement(filters, village_ids, user_id, db.engine.dialect.name)
    rows = db.session.execute(statement).all()
    reports = [QueueRow(*row) for row in rows]
    return reports[: filters.per_page], len(rows) > filters.per_page


# Building a statement costs more than running it, and officers mostly open the same few views;
# the statements depend on nothing but these arguments.
@lru_cache(maxsize=256)
def page_statement(filters, village_ids, user_id, dialect):
    """The statement of a page of rows: first the ids of the page's reports, then what the rows
    show, worked out for those reports only.

    A search starts from the reports the index finds, kept if in the user's villages. Otherwise
    an officer's reports are read village by village, each village's first rows straight from an
    index in the page's order, then merged: a village's reports lie together in those indexes,
    while across several villages the database would have to choose between reading in order and
    skipping other villages' rows, or fetching all of the officer's reports and sorting them."""
    conditions = _conditions(filters, user_id, dialect, village_ids=village_ids)
    order = order_by(filters.sort)
    ids = select(Report.id).where(*conditions).order_by(*order)
    if village_ids is not None and filters.q:
        # The database starts from the few reports the search finds, not from every report
        # of the villages.
        ids = ids.where(in_villages_by_key(village_ids))
    elif village_ids is not None:
        names = dict.fromkeys([*(name for name, _descending in ORDERS[filters.sort]), "id"])
        sort_columns = [Report.__table__.c[name] for name in names]
        arms = [
            select(*sort_columns).where(Report.village_id == village_id, *conditions)
            .order_by(*order).limit(filters.page * filters.per_page + 1)
            .subquery()
            for village_id in village_ids
        ]
        merged = union_all(*[select(arm) for arm in arms]).subquery("merged")
        ids = select(merged.c.id).order_by(*order_by(filters.sort, merged.c))
    ids = (ids.limit(filters.per_page + 1).offset((filters.page - 1) * filters.per_page)
           .subquery("page_ids"))
    return (
        select(*ROW_COLUMNS)
        .join(ids, ids.c.id == Report.id)
        .join(Village, Village.id == Report.village_id)
        .outerjoin(User, User.id == Report.assignee_id)
        .order_by(*order)
    )


class CountsCache:
    """Counts per status, per user scope and filters, kept until the reports table changes:
    a new report raises max(id), every change sets updated_at to now (both are index lookups).
    One per app (status_counts), bounded."""

    # What changes whenever a count could; built once, it is read on every queue page.
    STAMP = select(select(func.max(Report.id)).scalar_subquery(),
                   select(func.max(Report.updated_at)).scalar_subquery())

    def __init__(self, size=512):
        self.entries = LRUCache(size)
        self.lock = threading.Lock()

    def counts(self, user, filters):
        """{status: count} for the filters, tab and search aside; tabs OPEN and ALL summed."""
        village_ids = village_scope(user)
        key = (village_ids, user.id if filters.assignee == "me" else None, filters.count_key())
        stamp = tuple(db.session.execute(self.STAMP).one())
        with self.lock:
            cached = self.entries.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        conditions = [*_in_villages(village_ids),
                      *_conditions(filters, key[1], for_counts=True)]
        if filters.village:
            conditions.append(Report.village_id == filters.village)
        rows = db.session.execute(
            select(Report.status, func.count()).where(*conditions).group_by(Report.status)
        ).all()
        counts = {status: 0 for status in Status} | dict(rows)
        counts[OPEN] = sum(counts[status] for status in Status if status != Status.CLOSED)
        counts[ALL] = counts[OPEN] + counts[Status.CLOSED]
        with self.lock:
            self.entries[key] = (stamp, counts)
        return counts


def status_counts(user, filters):
    """The counts per status of the queue's tabs (CountsCache), kept by the app."""
    return current_app.extensions.setdefault("queue_counts", CountsCache()).counts(user, filters)


def _in_villages(village_ids):
    return [] if village_ids is None else [Report.village_id.in_(village_ids)]


@lru_cache(maxsize=256)
def badge_statement(village_ids):
    """The badge's statement for a set of villages: every open page asks for it every minute."""
    return select(
        func.count().filter(Report.status == Status.NEW),
        func.count().filter(Report.urgency == Urgency.URGENT),
    ).where(*_in_villages(village_ids), IS_OPEN)


def badge_counts(user):
    """New reports, and urgent open ones, in the user's villages: one indexed statement."""
    row = db.session.execute(badge_statement(village_scope(user))).one()
    return {"new": row[0], "urgent": row[1]}
