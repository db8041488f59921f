"""Accounts: who exists, with which role and villages. Used by the admin pages and by
`flask create-user`, so both keep the same rules: usernames are stored trimmed and lower-case,
an official belongs to exactly one village, an officer to any number, others to none."""

from sqlalchemy import select

from domain import Role
from extensions import db
from models import User
from models import Village

MIN_PASSWORD = 8


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


def save_account(record, *, username, full_name, role, active=True, phone="", email="",
                 village_id=None, village_ids=(), password="", locale=None):
    """Write an account: the village ids that fit its role are kept, the others dropped; a
    password (when given) is stored as a salted hash. Commits."""
    record.username = normal_username(username)
    record.full_name = full_name.strip()
    record.phone = (phone or "").strip()
    record.email = (email or "").strip()
    record.role = role
    record.active = active
    if locale is not None:
        record.locale = locale
    record.village_id = village_id if role == Role.OFFICIAL else None
    chosen = set(village_ids) if role == Role.OFFICER else set()
    record.villages = [v for v in db.session.scalars(select(Village)) if v.id in chosen]
    if password:
        record.set_password(password)
    db.session.add(record)
    db.session.commit()
    return record
