"""The queue's numbers: counts per status for the tabs, and the navigation badge. Counting 100,000
rows on every page view would cost more than the page itself, so the counts are cached per
worker until the reports table changes."""

from sqlalchemy import func
from sqlalchemy import select

from blueprints._helpers import visible_reports
from blueprints.queue_query import ALL
from blueprints.queue_query import IS_OPEN
from blueprints.queue_query import OPEN
from blueprints.queue_query import conditions_for_counts
from domain import Status
from domain import Urgency
from extensions import db
from lru import LRUCache
from models import Report


class CountsCache:
    """Counts per status, per user scope and filters, kept until the reports table changes:
    a new report raises max(id), every change sets updated_at to now (both are index lookups)."""

    # What changes whenever a count could; built once, it is read on every queue page.
    STAMP = select(select(func.max(Report.id)).scalar_subquery(),
                   select(func.max(Report.updated_at)).scalar_subquery())

    def __init__(self, size=512):
        self.entries = LRUCache(size)

    def counts(self, user, filters):
        """{status: count} for the filters, tab and search aside; tabs OPEN and ALL summed."""
        village_ids = user.visible_village_ids()
        key = (tuple(sorted(village_ids)) if village_ids is not None else None,
               user.id if filters.assignee == "me" else None, filters.count_key())
        stamp = tuple(db.session.execute(self.STAMP).one())
        cached = self.entries.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        rows = db.session.execute(
            select(Report.status, func.count())
            .where(*conditions_for_counts(user, filters))
            .group_by(Report.status)
        ).all()
        counts = {status: 0 for status in Status} | dict(rows)
        counts[OPEN] = sum(counts[status] for status in Status if status != Status.CLOSED)
        counts[ALL] = counts[OPEN] + counts[Status.CLOSED]
        self.entries.put(key, (stamp, counts))
        return counts


status_counts = CountsCache().counts


# The badge's statement for each set of villages: every open page asks for it every minute.
_badge_statements = LRUCache(256)


def badge_counts(user):
    """New reports, and urgent open ones, in the user's villages: one indexed statement."""
    village_ids = user.visible_village_ids()
    key = None if village_ids is None else tuple(village_ids)
    statement = _badge_statements.get_or_make(key, lambda: select(
        func.count().filter(Report.status == Status.NEW),
        func.count().filter(Report.urgency == Urgency.URGENT),
    ).where(visible_reports(user), IS_OPEN))
    row = db.session.execute(statement).one()
    return {"new": row[0], "urgent": row[1]}
