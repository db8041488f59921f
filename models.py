"""Tables. Every change to a report writes an Event; every change an admin makes to accounts and
villages, every ended session and every failed login writes an AuditEntry; neither is ever edited."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import TypeDecorator
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy import false
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates
from sqlalchemy.sql import operators
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from domain import Status
from domain import matching
from domain import visibility
from extensions import db


def hash_secret(secret):
    """A salted hash of a password or PIN, never the secret itself: scrypt, slow on purpose
    (the testing configuration picks a cheap method, and one test checks the real one)."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


class SealedComparison(TypeError):
    """Raised when code asks SQL to compare or sort a sealed column."""


def keyring():
    """The app's data keys (app.install_keyring)."""
    return current_app.extensions["keyring"]


class Sealed(TypeDecorator):
    """Text kept encrypted in its column (domain/encryption.py), plain on loaded objects. Sealed
    values differ at each write, so SQL can never compare them: exact look-ups go through a blind
    index instead (Person.passport_index). The empty string stays empty (nothing was given)."""

    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator):  # noqa: N801 - SQLAlchemy's name
        """Comparing or sorting sealed values in SQL would silently find nothing (each is sealed
        with its own nonce) or order by noise: refused at once, except against empty and NULL."""

        def operate(self, op, *other, **kwargs):
            if op in (operators.is_, operators.is_not) or (
                    op in (operators.eq, operators.ne) and all(value in (None, "") for value in other)):
                return super().operate(op, *other, **kwargs)
            raise SealedComparison(
                f"{self.type.purpose} is sealed: SQL cannot compare or sort it (a passport number is "
                "found with services.passports.passport_equals; sort birth dates in Python)")

    def __init__(self, purpose):
        super().__init__()
        self.purpose = purpose  # "table.column": the value opens in this column only

    def process_bind_param(self, value, _dialect):
        return keyring().seal(self.to_text(value), self.purpose) if value not in (None, "") else value

    def process_result_value(self, value, _dialect):
        return self.from_text(keyring().open(value, self.purpose)) if value else value

    def to_text(self, value):
        return value

    def from_text(self, text):
        return text


class SealedDateTime(Sealed):
    """A naive datetime (a birth date), sealed as its ISO text."""

    cache_ok = True

    def to_text(self, value):
        return value.isoformat()

    def from_text(self, text):
        return datetime.fromisoformat(text)


def utcnow():
    """Timestamps are stored in UTC and shown in Asia/Jakarta."""
    return datetime.now(UTC)


officer_villages = Table(
    "officer_villages",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), primary_key=True),
)


class Village(db.Model):
    __tablename__ = "villages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kecamatan: Mapped[str] = mapped_column(String(120))
    kabupaten: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    officers: Mapped[list["User"]] = relationship(
        secondary=officer_villages, back_populates="villages", order_by="User.full_name"
    )


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32), default="")
    # Where urgent reports are announced to officers; empty means no e-mail.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    # An official belongs to one village; officers use `villages` instead.
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Part of every session cookie of this account (get_id); raising it ends them all at once.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by an admin's reset: the temporary password works once, to choose a new one
    # (web/session.py sends every page to the change-password page until then).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    village: Mapped[Village | None] = relationship(foreign_keys=[village_id])
    villages: Mapped[list[Village]] = relationship(
        secondary=officer_villages, back_populates="officers", order_by=Village.name
    )

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """What the session cookie keeps: the id and the session generation, so a cookie copied
        before logout, a password change or an admin's reset no longer signs anyone in."""
        return f"{self.id}.{self.session_generation}"

    def end_sessions(self):
        """End every session of this account, wherever its cookies are (the caller commits)."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password):
        """Store a salted scrypt hash, never the password."""
        self.password_hash = hash_secret(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def visible_village_ids(self):
        """Ids of the villages whose reports this user may see; None means all of them."""
        return visibility.visible_village_ids(self)

    @classmethod
    def by_username(cls, username):
        return db.session.scalar(select(cls).where(cls.username == username.strip().lower()))


class Report(db.Model):
    __tablename__ = "reports"
    # More indexes for the review queue follow the class (they need its columns).
    __table_args__ = (
        Index("ix_reports_village_created", "village_id", "created_at"),
        Index("ix_reports_village_updated", "village_id", "updated_at"),
        Index("ix_reports_created", "created_at"),
        Index("ix_reports_updated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    reporter_name: Mapped[str] = mapped_column(String(120), default="")
    reporter_phone: Mapped[str] = mapped_column(String(32), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Residents follow their tip with the code and a PIN; only its hash is kept.
    tip_pin_hash: Mapped[str | None] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(300), default="")
    rt_rw: Mapped[str] = mapped_column(String(20), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW)
    outcome: Mapped[str | None] = mapped_column(String(24))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Bumped on every change, so a stale form cannot overwrite a newer decision.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the retention rule removed its personal data (services/retention.py); None: not yet.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    village: Mapped[Village] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    duplicate_of: Mapped["Report | None"] = relationship(remote_side=[id])
    persons: Mapped[list["Person"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Person.id"
    )
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Photo.id"
    )
    events: Mapped[list["Event"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Event.id"
    )

    # Every UPDATE says `WHERE version = <the version read>`: a concurrent change makes it match
    # no row and raise StaleDataError instead of silently overwriting (workflow.move bumps it).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


# The review queue's default order, urgent first then longest waiting, with column directions
# matching its ORDER BY ('urgent' sorts after 'normal', so urgency DESC puts it first). Officers'
# queues are read village by village (queue_query.py), admins' across all villages: for each, one
# index per status tab and a partial one for the open reports, which also covers the counts.
OPEN_REPORT = text("status != 'closed'")
Index("ix_reports_status_urgency_created", Report.status, Report.urgency.desc(), Report.created_at)
Index("ix_reports_village_status_urgency_created", Report.village_id, Report.status,
      Report.urgency.desc(), Report.created_at)
# A status tab in the newest or latest-activity order: a tab's reports can be a few among a
# village's thousands, too sparse to find by reading the village's reports in that order.
Index("ix_reports_village_status_created", Report.village_id, Report.status, Report.created_at)
Index("ix_reports_village_status_updated", Report.village_id, Report.status, Report.updated_at)
Index("ix_reports_open_urgency_created", Report.urgency.desc(), Report.created_at,
      Report.village_id, Report.status, sqlite_where=OPEN_REPORT, postgresql_where=OPEN_REPORT)
Index("ix_reports_village_open", Report.village_id, Report.urgency.desc(), Report.created_at,
      Report.status, sqlite_where=OPEN_REPORT, postgresql_where=OPEN_REPORT)


class PersonRecord(db.Model):
    """One foreigner as the office knows them, across reports and villages: every person seen
    (Person, one per report) is linked to one record (services/person_records.py)."""

    __tablename__ = "person_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name and nationality of the sighting that made the record, to recognise it by.
    display_name: Mapped[str] = mapped_column(String(120), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    persons: Mapped[list["Person"]] = relationship(back_populates="record", order_by="Person.id")


class Person(db.Model):
    __tablename__ = "persons"
    __table_args__ = (
        # A name's sightings newest first straight from the index (related reports).
        Index("ix_persons_name_key_nationality_report_id", "name_key", "nationality", "report_id"),
        # A report's persons in order straight from the index (the queue's first person).
        Index("ix_persons_report_id_id", "report_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120), default="")
    # matching.name_key(name), kept in step by `_keep_name_key`: finds the same name anywhere.
    name_key: Mapped[str] = mapped_column(String(120), default="", server_default="")
    sex: Mapped[str] = mapped_column(String(8), default="unknown")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    age: Mapped[int | None]
    # Sealed at rest; SQL cannot sort or filter on them (read them on loaded objects).
    birth_date: Mapped[datetime | None] = mapped_column(SealedDateTime("persons.birth_date"))
    passport_no: Mapped[str] = mapped_column(Sealed("persons.passport_no"), default="")
    # keyring().blind_index(matching.passport_key(passport_no)), kept in step by
    # `_keep_passport_index`: how SQL finds a number (services/passports.passport_equals).
    passport_index: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    permit_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(ForeignKey("person_records.id"), index=True)

    report: Mapped[Report] = relationship(back_populates="persons")
    record: Mapped[PersonRecord | None] = relationship(back_populates="persons")
    suggestions: Mapped[list["RecordSuggestion"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="RecordSuggestion.id"
    )

    @validates("name")
    def _keep_name_key(self, _key, value):
        self.name_key = matching.name_key(value)
        return value

    @validates("passport_no")
    def _keep_passport_index(self, _key, value):
        self.passport_index = passport_index(value)
        return value


def passport_index(number):
    """The blind index of a passport number as written (normalised first)."""
    return keyring().blind_index(matching.passport_key(number))


class RecordSuggestion(db.Model):
    """A record a person may belong to, by a weaker match than links by itself: the officer
    links the person to it or says it is not the same person, and the suggestion goes."""

    __tablename__ = "record_suggestions"
    __table_args__ = (UniqueConstraint("person_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("person_records.id", ondelete="CASCADE"),
                                           index=True)

    person: Mapped[Person] = relationship(back_populates="suggestions")
    record: Mapped[PersonRecord] = relationship()


class RecordMerge(db.Model):
    """Two records found to be one person: the persons of `merged` moved to `kept`. Which persons
    moved is kept (`person_ids`, JSON), so the merge can be undone (`undone_at`)."""

    __tablename__ = "record_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("person_records.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("person_records.id"), index=True)
    person_ids: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    kept: Mapped[PersonRecord] = relationship(foreign_keys=[kept_id])
    merged: Mapped[PersonRecord] = relationship(foreign_keys=[merged_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Photo(db.Model):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    # A photo sent with a reply to an information request belongs to that event.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="photos")


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_actor_created", "actor_id", "created_at"),
        Index("ix_events_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    # Internal notes stay inside the office; everything else the reporter may read.
    visible_to_reporter: Mapped[bool] = mapped_column(default=True)

    report: Mapped[Report] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def actor_name(self):
        """Who did it, by name; None for the reporter or the system."""
        return self.actor.full_name if self.actor else None


class AuditEntry(db.Model):
    """What happened to accounts, villages and sign-ins: who did it (`actor`, None for the
    command line or an anonymous visitor), to which account or village, and the fields changed
    as JSON `{field: [before, after]}`. Never a password: a reset is recorded by its kind."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_actor_created", "actor_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    # A failed login: the account name as typed and the address it came from.
    username: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    changes: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    village: Mapped[Village | None] = relationship()


class NilCheckin(db.Model):
    """An official's confirmation that no foreigners were seen in their village in a month
    (domain.checkins); one per village and month, so a second tap adds nothing."""

    __tablename__ = "nil_checkins"
    __table_args__ = (UniqueConstraint("village_id", "month", name="uq_nil_checkins_village_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id", ondelete="CASCADE"))
    # The office's calendar month, as its first day.
    month: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship()


class SilentVillageNotice(db.Model):
    """That the officers of a village were e-mailed about its silence, for the month that made it
    silent long enough: `flask notify-silent` sends each notice once."""

    __tablename__ = "silent_village_notices"
    __table_args__ = (
        UniqueConstraint("village_id", "month", name="uq_silent_village_notices_village_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to edit or delete an event: the audit trail only grows."""


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _events_are_append_only(_mapper, _connection, target):
    if not _only_text_erased(target):
        raise AppendOnlyError(
            f"{target.__tablename__} {target.id} is part of the audit trail and cannot change")


def _only_text_erased(target):
    """The one change the trail allows: the retention rule (services/retention.py) blanks an
    event's free text, which may hold personal data (UU 27/2022); who did what, when, stays."""
    if not isinstance(target, Event) or inspect(target).deleted:
        return False
    changed = {attribute.key for attribute in inspect(target).attrs if attribute.history.has_changes()}
    return changed == {"text"} and target.text == ""
