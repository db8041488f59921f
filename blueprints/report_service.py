"""Saving reports, tips and replies: the rows and the photo files together, or nothing at all.

Photos are checked and re-encoded as soon as they arrive and wait in UPLOAD_DIR/pending/ under a
signed token that the form carries in hidden fields, so a form that fails validation never asks
for them again. Saving moves them to UPLOAD_DIR/photos/ in the same step as the database commit;
a failed commit moves them back. Pending files of forms never sent are deleted after a day."""

import secrets
from dataclasses import asdict
from dataclasses import astuple
from datetime import UTC
from datetime import datetime
from datetime import time
from pathlib import Path

from flask import current_app
from flask import request
from flask import session
from flask_babel import format_decimal
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError

import photos
import refcodes
import workflow
from domain import EventKind
from domain import Status
from extensions import db
from i18n import gettext as _
from i18n import lazy_gettext as _l
from models import Event
from models import Person
from models import Photo
from models import Report

MAX_PHOTOS = 3
CODE_ATTEMPTS = 3
PHOTO_MESSAGES = {
    "too_large": _l("“%(name)s” is larger than %(mb)s MB."),
    "not_image": _l("“%(name)s” is not a photo we can read. Send JPEG, PNG or WebP photos."),
    "mismatch": _l("“%(name)s” is not the kind of file its name or type says."),
    "too_many_pixels": _l("“%(name)s” has too many pixels to be a photo."),
}
# Failures while saving that leave nothing behind and that the user may simply retry.
SAVE_ERRORS = (SQLAlchemyError, OSError)


def photo_limit_mb():
    """The size limit of one photo in MB, as the user's language writes numbers ('0,2', '10')."""
    return format_decimal(current_app.config["PHOTO_MAX_BYTES"] / (1024 * 1024), format="#,##0.#")


def pending_dir():
    return Path(current_app.config["UPLOAD_DIR"]) / "pending"


def photo_dir():
    return Path(current_app.config["UPLOAD_DIR"]) / "photos"


def _signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="pending-photo")


def _uploader():
    """A random key of this browser's session: a pending photo is shown only to who sent it."""
    if "uploader" not in session:
        session["uploader"] = secrets.token_urlsafe(12)
    return session["uploader"]


def pending_token(photo):
    """The signed reference a form carries for a photo waiting in the pending folder."""
    return _signer().dumps([_uploader(), *astuple(photo)])


def pending_photo(token):
    """The waiting photo a token refers to, if the token is ours, fresh, and its files are there."""
    try:
        owner, *fields = _signer().loads(token, max_age=photos.PENDING_MAX_AGE)
        photo = photos.StoredPhoto(*fields)
    except (BadSignature, TypeError, ValueError):
        return None
    if owner != session.get("uploader") or not photos.exists(photo, pending_dir()):
        return None
    return photo


class PhotoIntake:
    """The photos of one form submission: kept from an earlier try, and newly uploaded."""

    def __init__(self, limit=MAX_PHOTOS):
        self.limit = limit
        self.pending = []  # (token, StoredPhoto), in the order shown
        self.fresh = []  # StoredPhoto written during this request
        self.errors = []
        self.attached = []

    @classmethod
    def from_request(cls, limit=MAX_PHOTOS):
        """Read the kept tokens, drop the one the user removed, and take in new uploads."""
        intake = cls(limit)
        with intake:
            intake._keep(request.form.getlist("kept_photo"), request.form.get("remove_photo"))
            intake._receive([f for f in request.files.getlist("photos") if f and f.filename])
        return intake

    def __enter__(self):
        return self

    def __exit__(self, error_type, _error, _traceback):
        """An unexpected error while this intake is in use: delete what this request wrote."""
        if error_type is not None:
            for photo in self.fresh:
                photos.remove(pending_dir(), photos.file_names(photo))

    @property
    def valid(self):
        return not self.errors

    def _keep(self, tokens, removed):
        for token in dict.fromkeys(tokens):
            photo = pending_photo(token)
            if photo is None:
                self.errors.append(_("A photo you sent earlier has expired. Please add it again."))
            elif token == removed:
                photos.remove(pending_dir(), photos.file_names(photo))
            elif len(self.pending) < self.limit:
                self.pending.append((token, photo))

    def _receive(self, uploads):
        if not uploads:
            return
        photos.purge_older_than(pending_dir())
        max_bytes = current_app.config["PHOTO_MAX_BYTES"]
        for upload in uploads:
            name = upload.filename[-60:]
            if len(self.pending) >= self.limit:
                self.errors.append(
                    _("At most %(max)d photos: “%(name)s” was not added.", max=self.limit, name=name)
                )
                continue
            try:
                data = photos.read_limited(upload.stream, max_bytes)
                photo = photos.store(data, pending_dir(), upload.mimetype, upload.filename)
            except photos.PhotoError as error:
                message = PHOTO_MESSAGES[error.reason]
                self.errors.append(message % {"name": name, "mb": photo_limit_mb()})
                continue
            self.fresh.append(photo)
            self.pending.append((pending_token(photo), photo))

    def attach(self, report, event_id=None):
        """Move every photo into the store and add its row; `undo` reverses the moves."""
        for _token, photo in self.pending:
            photos.move(photo, pending_dir(), photo_dir())
            self.attached.append(photo)
            report.photos.append(Photo(event_id=event_id, **asdict(photo)))

    def undo(self):
        """After a failed commit: put the photos back where the form can offer them again."""
        for photo in self.attached:
            photos.move(photo, photo_dir(), pending_dir())
        self.attached = []

    def discard(self):
        """The report already exists: the photos of this duplicate send are not needed."""
        for _token, photo in self.pending:
            photos.remove(pending_dir(), photos.file_names(photo))
        self.pending = []


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
