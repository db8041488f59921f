"""Reports in the database: which ones a user may see, and saving reports, tips and replies with
their photo files together, or nothing at all.

Photos wait in UPLOAD_DIR/pending/ (web/photo_intake.py) until their report is saved. Saving
moves them to UPLOAD_DIR/photos/ in the same step as the database commit; a failed commit moves
them back. Pending files of forms never sent are deleted after a day."""

from datetime import UTC
from datetime import datetime
from datetime import time
from pathlib import Path

from flask import current_app
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError

from domain import EventKind
from domain import Status
from domain import refcodes
from domain import workflow
from extensions import db
from models import Event
from models import Person
from models import Report

CODE_ATTEMPTS = 3
# Failures while saving that leave nothing behind and that the user may simply retry.
SAVE_ERRORS = (SQLAlchemyError, OSError)


def pending_dir():
    """Photos of forms not sent yet."""
    return Path(current_app.config["UPLOAD_DIR"]) / "pending"


def photo_dir():
    """Photos of saved reports."""
    return Path(current_app.config["UPLOAD_DIR"]) / "photos"


def in_villages(village_ids):
    """SQL condition for the reports of these villages (None: every village)."""
    return true() if village_ids is None else Report.village_id.in_(village_ids)


def visible_reports(user):
    """SQL condition for the reports `user` may see (domain.visibility)."""
    return in_villages(user.visible_village_ids())


def waiting_for_answer(village_id):
    """How many of the village's reports wait for an answer their reporter may give."""
    return db.session.scalar(
        select(func.count(Report.id)).where(
            Report.village_id == village_id, Report.status == Status.NEEDS_INFO,
            Report.source.in_(workflow.ANSWERING_SOURCES))
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
    Returns (report, created); a repeated or concurrent send gets the report that exists."""
    for attempt in range(CODE_ATTEMPTS):
        report = build()
        client_uuid, code = report.client_uuid, refcodes.new_code()
        report.code = code
        db.session.add(report)
        try:
            db.session.flush()  # the INSERT a concurrent twin collides with, before any file moves
            intake.attach(report)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            intake.undo()
            existing = report_by_uuid(client_uuid)
            if existing is not None:
                intake.discard()
                return existing, False
            if attempt == CODE_ATTEMPTS - 1 or not code_taken(code):
                raise
            continue  # the reference code was taken a moment ago: draw another
        except BaseException:  # whatever failed, no row and no moved file stays behind
            db.session.rollback()
            intake.undo()
            raise
        return report, True


def save_reply(report, text, intake, actor):
    """The reporter's answer: back to review, one 'reply' event, its photos attached to it."""
    now = datetime.now(UTC)
    fields = workflow.move(report, Status.IN_REVIEW, workflow.REPORTER, now)
    event = Event(actor=actor, text=text, created_at=now, visible_to_reporter=True, **fields)
    report.events.append(event)
    try:
        db.session.flush()
        intake.attach(report, event_id=event.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        intake.undo()
        raise
    return event
