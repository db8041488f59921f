"""Person records (/persons): one foreigner's page with every sighting the viewer may see, and the
officer's changes to records (link a suggested record, reject it, unlink, merge, undo a merge).

Need to know: a record is shown only to someone who may see at least one of its sightings (404
otherwise, so ids reveal nothing), and of the others only their number. A change is made only by
an officer who may see every report whose person it moves. Each change answers with a 303 to
the page it came from (it works without JavaScript); a refused one with the reason and its code."""

from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from domain import Role
from extensions import db
from models import Person
from models import PersonRecord
from models import RecordMerge
from services import person_records
from web.access import roles
from web.i18n import gettext as _
from web.navigation import safe_next
from web.routing import ascii_number

bp = Blueprint("persons", __name__, url_prefix="/persons")
for_the_office = roles(Role.OFFICER, Role.ADMIN)


def _me():
    return current_user._get_current_object()


def _render(page, status=200, problem=None, other=""):
    return render_template("persons/record.html", page=page, problem=problem, other=other), status


def _page_or_404(record_id):
    page = person_records.record_page(record_id, current_user)
    if page is None:
        abort(404)
    return page


def _refused(message, status, back):
    """A change that was not made: why, with the way back to the page it came from."""
    return render_template("persons/refused.html", message=message, back=back), status


def _back(fallback):
    return safe_next(request.form.get("next"), fallback)


def _commit(notice, back):
    """Commit a change; a concurrent one that removed what it changed makes it a 409."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _refused(_("Someone changed this person record at the same moment. Nothing was "
                          "changed: look at the page again."), 409, back)
    flash(notice, "success")
    return redirect(back, 303)


def _suggestion_or_404(suggestion_id):
    """A suggestion about a person the viewer may see; 404 for any other."""
    suggestion = person_records.visible_suggestion(suggestion_id, current_user)
    if suggestion is None:
        abort(404)
    return suggestion


@bp.route("/<int:record_id>")
@for_the_office
def record(record_id):
    """Every sighting of one person the viewer may see, newest first, and how many others."""
    return _render(_page_or_404(record_id))


@bp.route("/suggestions/<int:suggestion_id>/link", methods=("POST",))
@for_the_office
def link(suggestion_id):
    """The suggested record is this person's: link them to it."""
    suggestion = _suggestion_or_404(suggestion_id)
    back = _back(url_for("persons.record", record_id=suggestion.record_id))
    person_records.link(suggestion, _me(), datetime.now(UTC))
    return _commit(_("The person is linked to record %(number)s.", number=suggestion.record_id), back)


@bp.route("/suggestions/<int:suggestion_id>/reject", methods=("POST",))
@for_the_office
def reject(suggestion_id):
    """The suggested record is someone else: the suggestion goes."""
    suggestion = _suggestion_or_404(suggestion_id)
    back = _back(url_for("review.detail", report_id=suggestion.person.report_id))
    person_records.reject(suggestion, _me(), datetime.now(UTC))
    return _commit(_("Noted: record %(number)s is not this person.", number=suggestion.record_id), back)


@bp.route("/sightings/<int:person_id>/unlink", methods=("POST",))
@for_the_office
def unlink(person_id):
    """Take a person out of their record into a record of their own."""
    person = person_records.visible_person(person_id, current_user)
    if person is None:
        abort(404)
    back = _back(url_for("review.detail", report_id=person.report_id))
    others = db.session.scalar(select(func.count(Person.id)).where(
        Person.record_id == person.record_id, Person.id != person.id))
    if person.record_id is None or not others:
        return _refused(_("This person is the only one in their record: there is nothing to "
                          "take them out of."), 409, back)
    before = person.record_id
    person_records.unlink(person, _me(), datetime.now(UTC))
    return _commit(_("The person is no longer in record %(before)s; they have record %(after)s. "
                     "To undo it, merge record %(after)s into record %(before)s.",
                     before=before, after=person.record_id), back)


@bp.route("/<int:record_id>/merge", methods=("POST",))
@for_the_office
def merge(record_id):
    """Merge another record into this one: its persons join this record."""
    page = _page_or_404(record_id)
    raw = request.form.get("other", "").strip().lstrip("#")
    other_id = ascii_number(raw)
    if other_id is None:
        return _render(page, 422, _("Write the number of the other person record, for example 12."), raw)
    if other_id == record_id:
        return _render(page, 422, _("A record cannot be merged with itself."), raw)
    other = db.session.get(PersonRecord, other_id)
    if other is None or not person_records.record_visible(other_id, current_user):
        return _render(page, 422, _("There is no person record %(number)s among those you may see.",
                                    number=other_id), raw)
    moved = person_records.persons_of(other_id)
    if not person_records.all_visible([person.id for person in moved], current_user):
        return _render(page, 403, _("Record %(number)s was also seen in villages you do not follow: "
                                    "an officer of those villages or an admin may merge it.",
                                    number=other_id), raw)
    person_records.merge(page.record, other, _me(), datetime.now(UTC))
    return _commit(_("Record %(merged)s is merged into this one.", merged=other_id),
                   url_for("persons.record", record_id=record_id))


@bp.route("/merges/<int:merge_id>/undo", methods=("POST",))
@for_the_office
def undo_merge(merge_id):
    """Undo a merge: the persons it moved go back to their record."""
    done = db.session.get(RecordMerge, merge_id)
    if done is None:
        abort(404)
    page = _page_or_404(done.kept_id)
    if done.undone_at is not None:
        return _render(page, 409, _("This merge was already undone."))
    moved = person_records.moved_by(done)
    if not person_records.all_visible([person.id for person in moved], current_user):
        return _render(page, 403, _("This merge moved persons seen in villages you do not follow: "
                                    "an officer of those villages or an admin may undo it."))
    person_records.undo_merge(done, _me(), datetime.now(UTC))
    return _commit(_("The merge is undone: record %(merged)s has its persons back.",
                     merged=done.merged_id), url_for("persons.record", record_id=done.kept_id))
