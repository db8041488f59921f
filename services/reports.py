"""Reports in the database: which ones a user may see, and saving reports, tips and replies with
their photo files together, or nothing at all.

Photos wait in UPLOAD_DIR/pending/ (web/photo_intake.py) until their report is saved. Saving links
them into UPLOAD_DIR/photos/ (a second name for the same file) before the COMMIT. When the COMMIT
raises, its outcome is uncertain (the database may have committed and lost only its answer), so
it is settled by looking: does the row exist? Only then does a name go: the pending one if the
report is saved, the store's one if it is not. When even the look fails, both names stay: the
form can be sent again, and services/photo_store.py reconciles files and rows later. Pending
files of forms never sent are deleted after a day."""

from datetime import UTC
from datetime import datetime
from datetime import time
from pathlib import Path
from time import sleep

from flask import current_app
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError

from domain import EventKind
from domain import Source
from domain import Status
from domain import refcodes
from domain import workflow
from extensions import db
from models import Event
from models import Person
from models import Photo
from models import Report

CODE_ATTEMPTS = 3
# Failures while saving that leave nothing behind and that the user may simply retry.
SAVE_ERRORS = (SQLAlchemyError, OSError)
# How often the outcome of an uncertain COMMIT is looked up before giving up, and the pause that
# grows between looks (seconds).
LOOKS = 3
LOOK_PAUSE = 0.1


class OutcomeUnknown(RuntimeError):
    """The COMMIT failed and the database could not tell whether it happened. Nothing is deleted:
    sending again with the same client UUID saves the report once, or finds it saved."""


def pending_dir():
    """Photos of forms not sent yet."""
    return Path(current_app.config["UPLOAD_DIR"]) / "pending"


def photo_dir():
    """Photos of saved reports."""
    return Path(current_app.config["UPLOAD_DIR"]) / "photos"


def village_scope(user):
    """The villages whose reports `user` may see, as the key of a built statement or a cache:
    their ids in order, or None for every village."""
    village_ids = user.visible_village_ids()
    return None if village_ids is None else tuple(sorted(village_ids))


def in_villages(village_ids):
    """SQL condition for the reports of these villages (None: every village)."""
    return true() if village_ids is None else Report.village_id.in_(village_ids)


def visible_reports(user):
    """SQL condition for the reports `user` may see (domain.visibility)."""
    return in_villages(user.visible_village_ids())


def in_villages_by_key(village_ids):
    """`in_villages` for a statement that starts from a few rows found another way (a search's
    matches, a record's sightings) and joins each one's report by its key.
    `+ 0` keeps the village out of the planner's choice of index: PostgreSQL with no statistics
    otherwise read every report of the villages into a hash to join those few rows to."""
    return true() if village_ids is None else (Report.village_id + 0).in_(village_ids)


def visible_by_key(user):
    """`visible_reports` for a statement that reaches the reports by their keys."""
    return in_villages_by_key(user.visible_village_ids())


def persons_report(column):
    """`column` of the report of each person row, read by the report's key: a subquery run per
    person, so a statement over a few persons never joins the reports (a join that PostgreSQL
    with no statistics planned, at a million reports, as a scan of every one of them)."""
    return select(column).where(Report.id == Person.report_id).scalar_subquery()


def persons_report_in_villages(village_ids):
    """Whether each person row's report is in these villages (None: every village), read by
    the report's key (`persons_report`)."""
    return true() if village_ids is None else persons_report(Report.village_id).in_(village_ids)


def waiting_for_answer(village_id):
    """How many of the village's reports wait for an answer its official may give (residents
    answer their tips from the tip-status page)."""
    return db.session.scalar(
        select(func.count(Report.id)).where(
            Report.village_id == village_id, Report.status == Status.NEEDS_INFO,
            Report.source == Source.OFFICIAL)
    )


def report_by_uuid(client_uuid):
    return db.session.scalar(select(Report).where(Report.client_uuid == client_uuid))


def code_taken(code):
    return db.session.scalar(select(Report.id).where(Report.code == code)) is not None


def report_from_form(form, **fields):
    """A new report with its persons and its 'created' event, from the facts of the form."""
    now = datetime.now(UTC)
    report = Report(
        client_uuid=form.client_uuid.data,
        category=form.category.data,
        urgency=form.urgency.data,
        observed_at=form.observed_at.data.astimezone(UTC),
        address=form.address.data,
        rt_rw=form.rt_rw.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        accuracy_m=form.accuracy_m.data,
        description=form.description.data,
        status=Status.NEW,
        created_at=now,
        updated_at=now,
        **fields,
    )
    for entry in form.persons.entries:
        person = entry.form
        birth_date = person.birth_date.data
        report.persons.append(
            Person(
                name=person.name.data or "",
                sex=person.sex.data,
                nationality=person.nationality.data or "",
                age=person.age.data,
                birth_date=datetime.combine(birth_date, time()) if birth_date else None,
                passport_no=person.passport_no.data or "",
                permit_type=person.permit_type.data or "",
            )
        )
    report.events.append(
        Event(kind=EventKind.CREATED, actor=fields.get("reporter"), to_status=Status.NEW, created_at=now)
    )
    return report


def save_new_report(build, intake):
    """Insert the report `build()` makes, with its photos, once per client UUID.
    Returns (report, created); a repeated or concurrent send gets the report that exists.
    Raises OutcomeUnknown when the database cannot say whether the report was saved."""
    for attempt in range(CODE_ATTEMPTS):
        report = build()
        client_uuid, code = report.client_uuid, refcodes.new_code()
        report.code = code
        db.session.add(report)
        try:
            db.session.flush()  # the INSERT a concurrent twin collides with, before any file moves
            _link_persons(report)
        except IntegrityError:
            db.session.rollback()
            existing = report_by_uuid(client_uuid)
            if existing is not None:
                intake.discard()
                return existing, False
            if attempt == CODE_ATTEMPTS - 1 or not code_taken(code):
                raise
            continue  # the reference code was taken a moment ago: draw another
        except BaseException:
            db.session.rollback()
            raise
        return _commit_new(report, intake), True


def _link_persons(report):
    """Link the new report's persons to person records, in its transaction."""
    # Imported here: person_records reads which reports a user may see from this module.
    from services import person_records

    person_records.link_new_persons(report)
    db.session.flush()


def _commit_new(report, intake):
    """Commit a flushed new report with its photos; the saved report (looked up again when the
    COMMIT raised after all)."""
    client_uuid, code = report.client_uuid, report.code

    def saved():
        return db.session.scalar(select(Report.code).where(Report.client_uuid == client_uuid)) == code

    commit_with_photos(intake, lambda: intake.attach(report), saved)
    return report if report in db.session else report_by_uuid(client_uuid)


def save_reply(report, text, intake, actor):
    """The reporter's answer: back to review, one 'reply' event, its photos attached to it."""
    now = datetime.now(UTC)
    fields = workflow.move(report, Status.IN_REVIEW, workflow.REPORTER, now)
    event = Event(actor=actor, text=text, created_at=now, visible_to_reporter=True, **fields)
    report.events.append(event)
    report_id = report.id
    try:
        db.session.flush()
    except BaseException:
        db.session.rollback()
        raise
    event_id = event.id

    def saved():
        return db.session.scalar(select(Event.id).where(
            Event.id == event_id, Event.report_id == report_id, Event.text == text)) is not None

    commit_with_photos(intake, lambda: intake.attach(report, event_id=event_id), saved)
    return event


def commit_with_photos(intake, attach, saved):
    """COMMIT what the session holds with the photos `attach()` links into the store. When the
    COMMIT raises, `saved()` tells whether it happened anyway, before any file is deleted."""
    try:
        attach()
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        outcome = _settle(saved)
        if outcome is True:
            intake.committed()
            if not isinstance(error, Exception):
                raise  # the worker is being stopped: the files are settled, let it stop
            return
        if outcome is False:
            intake.undo(owned=photos_owned(intake.attached))
            raise
        current_app.logger.error("the outcome of a COMMIT could not be settled; photo files kept")
        raise OutcomeUnknown() from None
    intake.committed()


def _settle(saved):
    """True if the rows are there, False if not, None if the database does not answer."""
    for look in range(LOOKS):
        try:
            return bool(saved())
        except SQLAlchemyError:
            db.session.rollback()
            sleep(LOOK_PAUSE * look)  # a dropped connection is often back a moment later
    return None


def photos_owned(attached):
    """The file names among these photos' that a saved row points to (never to be deleted)."""
    names = [photo.stored_name for photo in attached]
    if not names:
        return set()
    try:
        rows = db.session.scalars(select(Photo.stored_name).where(Photo.stored_name.in_(names))).all()
    except SQLAlchemyError:
        db.session.rollback()
        return None  # unknown: delete nothing
    return set(rows)
