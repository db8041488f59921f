"""Photo files, served only to those who may see the report (never from static/), and the
thumbnails of photos still waiting in a form, only to the browser that sent them."""

from flask import Blueprint
from flask import abort
from flask import send_from_directory

from extensions import db
from models import Photo
from services.reports import pending_dir
from services.reports import photo_dir
from web.access import public
from web.access import signed_in
from web.navigation import get_report_or_404
from web.photo_intake import pending_photo

bp = Blueprint("photos", __name__, url_prefix="/photos")



def _send(folder, name):
    """A photo file (web/caching.py says who may keep it)."""
    return send_from_directory(folder, name, mimetype="image/jpeg", conditional=True)


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
    return _send(photo_dir(), found.stored_name)


@bp.route("/<int:photo_id>/thumb")
@signed_in
def thumb(photo_id):
    """A report's photo as a small thumbnail."""
    found = _visible_photo(photo_id)
    return _send(photo_dir(), found.thumb_name)


@bp.route("/pending/<token>")
@public
def pending(token):
    """The thumbnail of a photo sent with a form that is not saved yet, for its sender only."""
    found = pending_photo(token)
    if found is None:
        abort(404)
    return _send(pending_dir(), found.thumb_name)
