"""The audit trail as the admins read it: events newest first, by user, report and dates.
Events are only ever added (models.Event refuses edits and deletes); this module only reads."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain.calendar import day_end
from domain.calendar import midnight_utc
from extensions import db
from models import Event
from models import Report

PER_PAGE = 50


def events_page(filters):
    """One page of events, newest first, with their actors and reports; and whether more follow.
    `filters`: user (id), report (code), date_from, date_to (office days) and page."""
    statement = select(Event).options(joinedload(Event.actor), joinedload(Event.report))
    if filters["user"]:
        statement = statement.where(Event.actor_id == filters["user"])
    if filters["report"]:
        statement = statement.join(Report).where(Report.code == filters["report"])
    if filters["date_from"]:
        statement = statement.where(Event.created_at >= midnight_utc(filters["date_from"]))
    if filters["date_to"]:
        statement = statement.where(Event.created_at < day_end(filters["date_to"]))
    statement = (
        statement.order_by(Event.created_at.desc(), Event.id.desc())
        .limit(PER_PAGE + 1)
        .offset((filters["page"] - 1) * PER_PAGE)
    )
    events = list(db.session.scalars(statement))
    return events[:PER_PAGE], len(events) > PER_PAGE
