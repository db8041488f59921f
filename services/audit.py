"""The audit trail: report events (models.Event, written by the workflow) and the entries on
accounts, villages, sessions and failed logins (models.AuditEntry, written here), both newest
first for the admins, filtered by user and dates. Both are only ever added (the models refuse
edits and deletes). What changed is kept field by field, never a password."""

import json

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain import AuditKind
from domain.calendar import day_end
from domain.calendar import midnight_utc
from extensions import db
from models import AuditEntry
from models import Event
from models import Report

PER_PAGE = 50
# The fields of an account and of a village that an entry compares; a password never is one.
ACCOUNT_FIELDS = ("username", "full_name", "phone", "email", "role", "village", "villages", "active")
VILLAGE_FIELDS = ("name", "kecamatan", "kabupaten", "province", "active")


def account_snapshot(user):
    """What an admin may change on an account, as plain values to compare."""
    return {
        "username": user.username, "full_name": user.full_name, "phone": user.phone,
        "email": user.email, "role": user.role,
        "village": user.village.name if user.village is not None else None,
        "villages": ", ".join(sorted(village.name for village in user.villages)) or None,
        "active": user.active,
    }


def village_snapshot(village):
    return {name: getattr(village, name) for name in VILLAGE_FIELDS}


def changed(before, after):
    """`{field: [before, after]}` for the fields whose value differs."""
    return {name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]}


def record(kind, *, actor=None, user=None, village=None, changes=None, username="", address=""):
    """Add one entry to the session; the caller's commit writes it with the change it records."""
    entry = AuditEntry(kind=kind, actor=actor, user=user, village=village,
                       changes=json.dumps(changes, ensure_ascii=False) if changes else "",
                       username=username[:64], address=(address or "")[:64])
    db.session.add(entry)
    return entry


def entry_changes(entry):
    """An entry's changes as `[(field, before, after)]` (a purge keeps counts instead)."""
    if not entry.changes or entry.kind == AuditKind.RETENTION_PURGE:
        return []
    return [(name, values[0], values[1]) for name, values in json.loads(entry.changes).items()]


def purge_counts(entry):
    """The counts of a retention purge's entry, `{name: number}`; empty for other entries."""
    if entry.kind != AuditKind.RETENTION_PURGE or not entry.changes:
        return {}
    return json.loads(entry.changes)


def _page(statement, created_at, filters, id_column):
    if filters["date_from"]:
        statement = statement.where(created_at >= midnight_utc(filters["date_from"]))
    if filters["date_to"]:
        statement = statement.where(created_at < day_end(filters["date_to"]))
    statement = (
        statement.order_by(created_at.desc(), id_column.desc())
        .limit(PER_PAGE + 1)
        .offset((filters["page"] - 1) * PER_PAGE)
    )
    rows = list(db.session.scalars(statement))
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def events_page(filters):
    """One page of events, newest first, with their actors and reports; and whether more follow.
    `filters`: user (id), report (code), date_from, date_to (office days) and page."""
    statement = select(Event).options(joinedload(Event.actor), joinedload(Event.report))
    if filters["user"]:
        statement = statement.where(Event.actor_id == filters["user"])
    if filters["report"]:
        statement = statement.join(Report).where(Report.code == filters["report"])
    return _page(statement, Event.created_at, filters, Event.id)


def entries_page(filters):
    """One page of account, village and sign-in entries, newest first; `filters` as for
    events_page (a user matches the entries they made and those about their account)."""
    statement = select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.user),
                                           joinedload(AuditEntry.village))
    if filters["user"]:
        statement = statement.where(or_(AuditEntry.actor_id == filters["user"],
                                        AuditEntry.user_id == filters["user"]))
    return _page(statement, AuditEntry.created_at, filters, AuditEntry.id)
