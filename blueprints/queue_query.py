"""The review queue as SQL: filters read from the address bar, and the page of rows. Built for
100,000 reports: every order has an index whose column directions match it (models.py); the
counts per status are in queue_counts.py."""

from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all

import matching
import refcodes
from blueprints._helpers import visible_reports
from domain import Category
from domain import Source
from domain import Status
from domain import Urgency
from extensions import db
from i18n import gettext as _
from i18n import lazy_gettext as _l
from lru import LRUCache
from models import Person
from models import Report
from models import User
from models import Village

JAKARTA = ZoneInfo("Asia/Jakarta")
OPEN = "open"  # the default tab: every status but closed
ALL = "all"
TABS = (OPEN, *Status, ALL)
ASSIGNEES = ("anyone", "me", "unassigned")
SORTS = ("default", "newest", "activity")
PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_SEARCH_WORDS = 6

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


def as_utc(moment):
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


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


# The filters chosen from a list: what each may be, and the message when it is something else.
CHOICES = {
    "status": (frozenset(TABS), _l("Choose one of the tabs.")),
    "category": (frozenset(Category), _l("Choose a category from the list.")),
    "urgency": (frozenset(Urgency), _l("Choose an urgency from the list.")),
    "source": (frozenset(Source), _l("Choose a source from the list.")),
    "assignee": (frozenset(ASSIGNEES), _l("Choose an assignee from the list.")),
    "sort": (frozenset(SORTS), _l("Choose an order from the list.")),
}


def parse_filters(args, village_ids):
    """Read the filters from request arguments; bad values are dropped with a message each."""
    errors = {}
    values = {}
    for name, (allowed, message) in CHOICES.items():
        raw = args.get(name, "").strip()
        if raw and raw not in allowed:
            errors[name] = str(message)
        elif raw:
            values[name] = raw
    village = args.get("village", "").strip()
    if village:
        if village.isdigit() and (village_ids is None or int(village) in village_ids):
            values["village"] = int(village)
        else:
            errors["village"] = _("Choose one of your villages.")
    for name in ("date_from", "date_to"):
        raw = args.get(name, "").strip()
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                errors[name] = _("Enter a date like 2026-11-28.")
    for name, high in (("page", MAX_PAGE), ("per_page", MAX_PER_PAGE)):
        raw = args.get(name, "").strip()
        if raw:
            if raw.isdigit() and 1 <= int(raw) <= high:
                values[name] = int(raw)
            else:
                errors[name] = _("Enter a number from 1 to %(high)s.", high=high)
    values["q"] = " ".join(args.get("q", "").split())[:100]
    return QueueFilters(**values), errors


def jakarta_midnight_utc(day):
    """The first moment of a calendar day in the office's time zone, in UTC."""
    return datetime.combine(day, time.min, tzinfo=JAKARTA).astimezone(UTC)


def _search_condition(text):
    """A reference code matches exactly; otherwise every word must be found in the
    description, a person's name, or be a person's passport number."""
    code = refcodes.normalize(text)
    if code:
        return Report.code == code
    terms = []
    for word in text.split()[:MAX_SEARCH_WORDS]:
        in_persons = [Person.passport_no.in_({word.upper(), matching.passport_key(word)})]
        key = matching.name_key(word)
        if key:
            in_persons.append(Person.name_key.contains(key, autoescape=True))
        person_match = exists().where(Person.report_id == Report.id, or_(*in_persons))
        terms.append(or_(Report.description.icontains(word, autoescape=True), person_match))
    return and_(*terms)


def _conditions(user, filters, for_counts=False, villages=True):
    """The WHERE terms for `filters` over the reports `user` may see; the counts per status
    leave out the tab and the search; the page of rows applies the villages by itself."""
    conditions = [visible_reports(user)] if villages else []
    if not for_counts and filters.status == OPEN:
        conditions.append(IS_OPEN)
    elif not for_counts and filters.status != ALL:
        conditions.append(Report.status == filters.status)
    for name in ("category", "urgency", "source"):
        if getattr(filters, name):
            conditions.append(getattr(Report, name) == getattr(filters, name))
    if filters.village and villages:
        conditions.append(Report.village_id == filters.village)
    if filters.assignee == "me":
        conditions.append(Report.assignee_id == user.id)
    elif filters.assignee == "unassigned":
        conditions.append(Report.assignee_id.is_(None))
    if filters.date_from:
        conditions.append(Report.created_at >= jakarta_midnight_utc(filters.date_from))
    if filters.date_to:
        end = jakarta_midnight_utc(filters.date_to + timedelta(days=1))
        conditions.append(Report.created_at < end)
    if filters.q and not for_counts:
        conditions.append(_search_condition(filters.q))
    return conditions


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


# Built statements, by what they depend on: building one costs more than running it, and officers
# mostly open the same few views.
_page_statements = LRUCache(256)


def queue_page(user, filters):
    """One page of reports, and whether another page follows: one statement, however many rows."""
    village_ids = [filters.village] if filters.village else user.visible_village_ids()
    if village_ids == []:
        return [], False
    key = (filters, None if village_ids is None else tuple(village_ids),
           user.id if filters.assignee == "me" else None)
    statement = _page_statements.get_or_make(
        key, lambda: _page_statement(user, filters, village_ids))
    rows = db.session.execute(statement).all()
    reports = [QueueRow(*row) for row in rows]
    return reports[: filters.per_page], len(rows) > filters.per_page


def _page_statement(user, filters, village_ids):
    """The statement of a page of rows: first the ids of the page's reports, then what the rows
    show, worked out for those reports only.

    An officer's reports are read village by village, each village's first rows straight from an
    index in the page's order, then merged: a village's reports lie together in those indexes,
    while across several villages the database would have to choose between reading in order and
    skipping other villages' rows, or fetching all of the officer's reports and sorting them."""
    conditions = _conditions(user, filters, villages=False)
    order = order_by(filters.sort)
    ids = select(Report.id).where(*conditions).order_by(*order)
    if village_ids is not None:
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


def conditions_for_counts(user, filters):
    """The WHERE terms of the counts per status: the filters without the tab and the search."""
    return _conditions(user, filters, for_counts=True)
