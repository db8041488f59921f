"""Photo files, served only to those who may see the report (never from static/), and the
thumbnails of photos still waiting in a form, only to the browser that sent them."""

from flask import Blueprint
from flask import abort
from flask import send_from_directory

from access import public
from access import signed_in
from blueprints._helpers import get_report_or_404
from blueprints.report_service import pending_dir
from blueprints.report_service import pending_photo
from blueprints.report_service import photo_dir
from extensions import db
from models import Photo

bp = Blueprint("photo_files", __name__, url_prefix="/photos")

ONE_HOUR = 3600


def _send(folder, name, cache_control):
    response = send_from_directory(folder, name, mimetype="image/jpeg", conditional=True)
    response.headers["Cache-Control"] = cache_control
    return response


def _visible_photo(photo_id):
    """The photo, if the signed-in user may see its report; 404 otherwise."""
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        abort(404)
    get_report_or_404(photo.report_id)
    return photo


@bp.route("/<int:photo_id>")
@signed_in
def photo(photo_id):
    """A report's photo at full size (at most 1600 px)."""
    found = _visible_photo(photo_id)
    return _send(photo_dir(), found.stored_name, f"private, max-age={ONE_HOUR}")


@bp.route("/<int:photo_id>/thumb")
@signed_in
def thumb(photo_id):
    """A report's photo as a small thumbnail."""
    found = _visible_photo(photo_id)
    return _send(photo_dir(), found.thumb_name, f"private, max-age={ONE_HOUR}")


@bp.route("/pending/<token>")
@public
def pending(token):
    """The thumbnail of a photo sent with a form that is not saved yet, for its sender only."""
    found = pending_photo(token)
    if found is None:
        abort(404)
    return _send(pending_dir(), found.thumb_name, "private, no-store")
