"""The actions of the report detail page: assign, move along the workflow, add a note.

Each one carries the report version the officer saw: if the report changed since, nothing is
applied and the answer (409) lists what changed. Each writes exactly one event, bumps the version
and answers htmx with the re-rendered workspace, a plain form with a 303 back to the page."""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from blueprints.review import bp
from blueprints.review import for_the_office
from blueprints.review.forms import CloseForm
from blueprints.review.forms import InfoRequestForm
from blueprints.review.forms import NoteForm
from blueprints.review.pages import load_report
from blueprints.review.pages import reload_report
from blueprints.review.pages import render_report
from domain import EventKind
from domain import Outcome
from domain import Status
from domain import refcodes
from domain import visibility
from domain import workflow
from extensions import db
from models import Event
from models import Report
from services.reports import visible_reports
from web.htmx import is_partial
from web.i18n import gettext as _
from web.labels import label
from web.routing import ascii_number

RECENT_CHANGES = 5  # shown on a conflict when the form did not say which events it had seen


@dataclass
class Result:
    """What an action did (`notice`) or why it did nothing (`problem`), and its forms to show."""

    notice: str = ""
    problem: str = ""
    forms: dict = field(default_factory=dict)


@bp.route("/<int:report_id>/assign", methods=("POST",))
@for_the_office
def assign(report_id):
    """Claim the report, assign it to an officer of its village, or unassign it."""
    return _act(report_id, _assign)


@bp.route("/<int:report_id>/move", methods=("POST",))
@for_the_office
def move(report_id):
    """Move the report to another status: also asking the reporter, and closing."""
    return _act(report_id, _move)


@bp.route("/<int:report_id>/note", methods=("POST",))
@for_the_office
def note(report_id):
    """Add an internal note, which the reporter never sees."""
    return _act(report_id, _note)


def _act(report_id, action):
    """Run one action on the report under the optimistic lock."""
    report = load_report(report_id)
    version = ascii_number(request.form.get("version"))
    if version is None:
        abort(400)
    if version != report.version:
        return _conflict(report)
    now = datetime.now(UTC)
    result = action(report, now)
    if result.problem:
        return render_report(report, 422, forms=result.forms, problem=result.problem)
    try:
        db.session.commit()
    except StaleDataError:  # another officer's change landed between our read and our write
        db.session.rollback()
        return _conflict(reload_report(report_id), result.forms)
    report = reload_report(report_id)
    if is_partial():
        return render_report(report, notice=result.notice)
    flash(result.notice, "success")
    return redirect(url_for("review.detail", report_id=report_id), 303)


def _conflict(report, forms=None):
    """409: the report as it is now, what changed since the officer's page, their text kept."""
    seen = ascii_number(request.form.get("seen"))
    if seen is not None:
        changes = [event for event in report.events if event.id > seen]
    else:
        changes = report.events[-RECENT_CHANGES:]
    kept = forms if forms is not None else _posted_forms()
    return render_report(report, 409, forms=kept, conflict=changes)


def _posted_forms():
    """The text forms as the officer filled them in, to show again unchanged."""
    forms = {"note": NoteForm(prefix="note"), "info": InfoRequestForm(prefix="info"),
             "close": CloseForm(prefix="close")}
    return {key: form for key, form in forms.items() if any(f.raw_data for f in form)}


def _me():
    return current_user._get_current_object()


def _record(report, now, kind, text="", visible=True, **statuses):
    report.events.append(Event(actor=_me(), created_at=now, kind=kind, text=text,
                               visible_to_reporter=visible, **statuses))


def _assign(report, now):
    raw = request.form.get("assignee", "").strip()
    candidates = {person.id: person
                  for person in visibility.assignable(_me(), report.village.officers)}
    if raw and ascii_number(raw) not in candidates:
        return Result(problem=_("Choose an officer of this report's village."))
    assignee = candidates[ascii_number(raw)] if raw else None
    if assignee == report.assignee:
        return Result(problem=_("The report is already assigned that way."))
    report.assignee = assignee
    workflow.bump(report, now)
    _record(report, now, EventKind.ASSIGNED, assignee.full_name if assignee else "", visible=False)
    if assignee is None:
        return Result(notice=_("The report is no longer assigned."))
    return Result(notice=_("Assigned to %(name)s.", name=assignee.full_name))


def _note(report, now):
    form = NoteForm(prefix="note")
    if not form.validate():
        return Result(problem=_("The note was not added: see below."), forms={"note": form})
    workflow.bump(report, now)
    _record(report, now, EventKind.NOTE, form.text.data.strip(), visible=False)
    return Result(notice=_("Note added."))


def _move(report, now):
    to = request.form.get("to", "")
    if to not in set(Status):
        return Result(problem=_("Choose the status to move the report to."))
    if to not in workflow.allowed_moves(report.status, workflow.OFFICE):
        return Result(problem=_(
            "A report that is “%(current)s” cannot be moved to “%(to)s”. Nothing was changed.",
            current=label("status", report.status), to=label("status", to),
        ))
    if to == Status.NEEDS_INFO:
        return _ask(report, now)
    if to == Status.CLOSED:
        return _close(report, now)
    event = workflow.move(report, to, workflow.OFFICE, now)
    _record(report, now, event["kind"], from_status=event["from_status"], to_status=to)
    return Result(notice=_("Status changed to “%(status)s”.", status=label("status", to)))


def _ask(report, now):
    form = InfoRequestForm(prefix="info")
    if not form.validate():
        return Result(problem=_("The question was not sent: see below."), forms={"info": form})
    event = workflow.move(report, Status.NEEDS_INFO, workflow.OFFICE, now)
    _record(report, now, event["kind"], form.text.data.strip(),
            from_status=event["from_status"], to_status=Status.NEEDS_INFO)
    return Result(notice=_("Your question was sent to the reporter."))


def _close(report, now):
    form = CloseForm(prefix="close")
    original = None
    if form.validate() and form.outcome.data == Outcome.DUPLICATE:
        original, problem = _original(report, form.original.data)
        if problem:
            form.original.errors = [problem]
    if form.errors:
        return Result(problem=_("The report was not closed: see below."), forms={"close": form})
    outcome = form.outcome.data
    event = workflow.move(report, Status.CLOSED, workflow.OFFICE, now, outcome=outcome,
                          duplicate_of_id=original.id if original else None)
    _record(report, now, event["kind"], form.reply(),
            from_status=event["from_status"], to_status=Status.CLOSED)
    return Result(notice=_("Closed: %(outcome)s.", outcome=label("outcome", outcome)))


def _original(report, typed):
    """The report this one duplicates, from its reference code; or why that cannot be."""
    code = refcodes.normalize(typed)
    if code is None:
        return None, _("Enter the reference code of the original report, e.g. KX7M-3QFA.")
    original = db.session.scalar(
        select(Report).where(Report.code == code, visible_reports(current_user))
    )
    if original is None:
        return None, _("There is no report with this code that you may see.")
    if original.id == report.id:
        return None, _("A report cannot be a duplicate of itself.")
    if original.outcome == Outcome.DUPLICATE:
        return None, _("That report is itself a duplicate of %(code)s: choose that one.",
                       code=original.duplicate_of.code)
    return original, None
