"""Photos arriving with a form: checked and re-encoded as soon as they arrive, then waiting in
UPLOAD_DIR/pending/ under a signed token that the form carries in hidden fields, so a form that
fails validation never asks for them again. Only the browser that sent a photo may see it there.
services/reports.py links them into the store before the commit that saves their report, and
removes one of the two names only once it knows whether that commit happened."""

import secrets
from dataclasses import asdict
from dataclasses import astuple

from flask import current_app
from flask import request
from flask import session
from flask_babel import format_decimal
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from domain import photos
from models import Photo
from services.reports import pending_dir
from services.reports import photo_dir
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l

MAX_PHOTOS = 3
PHOTO_MESSAGES = {
    "too_large": _l("“%(name)s” is larger than %(mb)s MB."),
    "not_image": _l("“%(name)s” is not a photo we can read. Send JPEG, PNG or WebP photos."),
    "mismatch": _l("“%(name)s” is not the kind of file its name or type says."),
    "too_many_pixels": _l("“%(name)s” has too many pixels to be a photo."),
}


def photo_limit_mb():
    """The size limit of one photo in MB, as the user's language writes numbers ('0,2', '10')."""
    return format_decimal(current_app.config["PHOTO_MAX_BYTES"] / (1024 * 1024), format="#,##0.#")


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
        self.unavailable = False  # the photo folder could not be written: a problem on our side

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
            except OSError:  # full disk, quota, permissions: store() left no partial file
                current_app.logger.exception("photo %r could not be written to %s", name, pending_dir())
                self.unavailable = True
                self.errors.append(_("“%(name)s” could not be kept because of a problem on our side "
                                     "(the photo storage). Nothing was saved: please send it again "
                                     "later.", name=name))
                continue
            self.fresh.append(photo)
            self.pending.append((pending_token(photo), photo))

    def attach(self, report, event_id=None):
        """Link every photo into the store and add its row. Each file keeps its pending name
        until `committed` or `undo` settles which of the two names goes."""
        for _token, photo in self.pending:
            self.attached.append(photo)  # first: `undo` also removes a half-linked pair
            photos.link(photo, pending_dir(), photo_dir())
            report.photos.append(Photo(event_id=event_id, **asdict(photo)))

    def committed(self):
        """The report is saved: its photos need no pending name any more."""
        for photo in self.attached:
            photos.remove(pending_dir(), photos.file_names(photo))
        self.attached = []
        self.pending = []

    def undo(self, owned=frozenset()):
        """The commit is known not to have happened: the store's names go, the pending ones stay
        for the form to offer again. Names in `owned` (a saved row points to them: an earlier send
        of the same photo) stay; with `owned` None, unknown, nothing is deleted."""
        for photo in self.attached:
            if owned is not None and photo.stored_name not in owned:
                photos.remove(photo_dir(), photos.file_names(photo))
        self.attached = []

    def discard(self):
        """The report already exists: the photos of this duplicate send are not needed."""
        for _token, photo in self.pending:
            photos.remove(pending_dir(), photos.file_names(photo))
        self.pending = []
