"""Accounts and villages: who exists, with which role and villages, and how they sign in. Used
by the admin pages, the login and `flask create-user`, so all keep the same rules: usernames are
stored trimmed and lower-case, an official belongs to exactly one village, an officer to any
number, others to none; every change is written to the audit log (services/audit.py) with the
commit that makes it; a reset password or a deactivated account ends the account's sessions.
An admin never chooses a password for someone else: a new account and a reset get a one-time
temporary password, shown once to the admin and to be changed at the next login."""

import secrets
from functools import cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash

from domain import AuditKind
from domain import Role
from extensions import db
from models import User
from models import Village
from models import hash_secret
from services import audit

MIN_PASSWORD = 8
# Read aloud or copied from the admin's screen: no 0/O, 1/l/I. Sixteen characters of 31: 79 bits.
TEMPORARY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TEMPORARY_GROUPS = 4


def temporary_password():
    """A strong one-time password in groups of four, e.g. 'k7mq-x3td-9hfa-2wrc'."""
    return "-".join("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4))
                    for _group in range(TEMPORARY_GROUPS))


def normal_username(username):
    return username.strip().lower()


def taken(model, column, value, own_id=None):
    """Whether another row than `own_id` already has `value` in the unique `column`."""
    found = db.session.scalar(select(model.id).where(column == value))
    return found is not None and found != own_id


def username_taken(username, own_id=None):
    return taken(User, User.username, normal_username(username), own_id)


def village_name_taken(name, own_id=None):
    return taken(Village, Village.name, name.strip(), own_id)


def villages_named(names):
    """The villages with these names, in order; raises LookupError naming the first missing."""
    found = []
    for name in names:
        village = db.session.scalar(select(Village).where(Village.name == name))
        if village is None:
            raise LookupError(name)
        found.append(village)
    return found


@cache
def _decoy_for(_method):
    return hash_secret("decoy password nobody has")


def decoy_hash():
    """A hash of the configured kind, checked when no account can match, so that a failed login
    costs the same time whether the account exists or not."""
    return _decoy_for(current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(username, password):
    """The active account with this username and password, or None. Always checks one hash."""
    user = User.by_username(username)
    password_hash = user.password_hash if user is not None else decoy_hash()
    matches = check_password_hash(password_hash, password)
    return user if user is not None and matches and user.active else None


def record_failed_login(username, address):
    """Write a failed login (the name as typed and the address, never the password). Commits."""
    audit.record(AuditKind.LOGIN_FAILED, user=User.by_username(username),
                 username=normal_username(username), address=address)
    db.session.commit()


def save_account(record, *, username, full_name, role, active=True, phone="", email="",
                 village_id=None, village_ids=(), password="", temporary=False, locale=None, actor=None):
    """Write an account: the village ids that fit its role are kept, the others dropped; a
    password (when given) is stored as a salted hash, and with `temporary` must be changed at the
    next login. `actor` made the change (None: the command line). Writes what changed to the audit
    log; a new password or deactivation ends the account's sessions. Commits."""
    new = record.id is None
    before = {} if new else audit.account_snapshot(record)
    record.username = normal_username(username)
    record.full_name = full_name.strip()
    record.phone = (phone or "").strip()
    record.email = (email or "").strip()
    record.role = role
    record.active = active
    if locale is not None:
        record.locale = locale
    record.village_id = village_id if role == Role.OFFICIAL else None
    record.village = db.session.get(Village, record.village_id) if record.village_id else None
    chosen = set(village_ids) if role == Role.OFFICER else set()
    record.villages = [v for v in db.session.scalars(select(Village)) if v.id in chosen]
    if password:
        record.set_password(password)
        record.must_change_password = temporary
    db.session.add(record)
    after = audit.account_snapshot(record)
    if new:
        audit.record(AuditKind.ACCOUNT_CREATED, actor=actor, user=record,
                     changes={name: [None, value] for name, value in after.items() if value})
    else:
        changes = audit.changed(before, after)
        flipped = changes.pop("active", None)
        if changes:
            audit.record(AuditKind.ACCOUNT_CHANGED, actor=actor, user=record, changes=changes)
        if flipped:
            kind = AuditKind.ACCOUNT_REACTIVATED if active else AuditKind.ACCOUNT_DEACTIVATED
            audit.record(kind, actor=actor, user=record)
        if password:
            audit.record(AuditKind.PASSWORD_RESET, actor=actor, user=record)
        if password or (flipped and not active):
            record.end_sessions()
    db.session.commit()
    return record


def reset_password(user, actor):
    """An admin's reset: a new temporary password, to be changed at the next login; every session
    of the account ends. Returns the password, for the admin's screen only: it is never stored in
    clear, logged, or put in the audit entry. Commits."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.end_sessions()
    audit.record(AuditKind.PASSWORD_RESET, actor=actor, user=user)
    db.session.commit()
    return password


def change_own_password(user, password):
    """The signed-in user's new password (a temporary one is then done with); their other
    sessions end (the caller signs this one in again). Commits."""
    user.set_password(password)
    user.must_change_password = False
    user.end_sessions()
    audit.record(AuditKind.PASSWORD_CHANGED, actor=user, user=user)
    db.session.commit()


def end_sessions(user, actor):
    """End every session of `user` (an admin's button, or the user's own logout). Commits."""
    user.end_sessions()
    if actor is not None and actor.id != user.id:
        audit.record(AuditKind.SESSIONS_ENDED, actor=actor, user=user)
    db.session.commit()


def save_village(record, *, actor, **fields):
    """Write a village from its form's `fields` (name trimmed) and what changed to the audit log:
    created, renamed, deactivated or reactivated, other changes. Commits."""
    new = record.id is None
    before = {} if new else audit.village_snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    db.session.add(record)
    after = audit.village_snapshot(record)
    if new:
        audit.record(AuditKind.VILLAGE_CREATED, actor=actor, village=record,
                     changes={name: [None, value] for name, value in after.items()})
    else:
        changes = audit.changed(before, after)
        renamed = changes.pop("name", None)
        flipped = changes.pop("active", None)
        if renamed:
            audit.record(AuditKind.VILLAGE_RENAMED, actor=actor, village=record,
                         changes={"name": renamed})
        if flipped:
            kind = AuditKind.VILLAGE_REACTIVATED if record.active else AuditKind.VILLAGE_DEACTIVATED
            audit.record(kind, actor=actor, village=record)
        if changes:
            audit.record(AuditKind.VILLAGE_CHANGED, actor=actor, village=record, changes=changes)
    db.session.commit()
    return record
