"""Village officials' reports: the form, the confirmation, the village's list, the detail with its
timeline, and the answer to an officer's request for more information."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from domain import EventKind
from domain import Role
from domain import Source
from domain import workflow
from extensions import db
from models import Report
from services import reports as report_service
from services.queue import MAX_PAGE
from web.access import public
from web.access import roles
from web.facts import first_review_due
from web.facts import form_context
from web.facts import save_answer
from web.facts import submit_facts
from web.htmx import render
from web.i18n import gettext as _
from web.navigation import get_report_or_404
from web.person_form import PersonForm
from web.photo_intake import MAX_PHOTOS
from web.photo_intake import PhotoIntake
from web.photo_intake import photo_limit_mb
from web.report_forms import ReplyForm
from web.report_forms import ReportForm
from web.report_forms import field_errors
from web.routing import ascii_number

bp = Blueprint("reports", __name__, url_prefix="/reports")

PER_PAGE = 20

@bp.route("/new", methods=("GET", "POST"))
@roles(Role.OFFICIAL)
def new():
    """The official's report form: one column, works without JavaScript, saved once per UUID."""
    village = current_user.village
    if village is None:
        abort(403)
    form = ReportForm()
    form.ensure_client_uuid()
    if request.method == "GET":
        form.reporter_phone.data = current_user.phone
        return render_template("reports/new.html", fresh=True, village=village,
                               **form_context(form, PhotoIntake()))
    existing = report_service.report_by_uuid(form.client_uuid.data)
    if existing is not None and existing.village_id == village.id:
        return redirect(url_for("reports.sent", report_id=existing.id), 303)
    def build():
        return report_service.report_from_form(
            form,
            village=village,
            reporter=current_user._get_current_object(),
            source=Source.OFFICIAL,
            reporter_name=current_user.full_name,
            reporter_phone=form.reporter_phone.data or "",
        )

    def done(report, _created):
        return redirect(url_for("reports.sent", report_id=report.id), 303)

    with PhotoIntake.from_request() as intake:
        return submit_facts(form, intake, "reports/new.html", build, done, fresh=False, village=village)


@bp.route("/person-row")
@public
def person_row():
    """One more empty person row for htmx (the report form and the public tip form)."""
    index = ascii_number(request.args.get("index"), 999)
    if index is None:
        abort(400)
    person = PersonForm(prefix=f"persons-{index}")
    return render_template("reports/_person_added.html", person=person, index=index)


@bp.route("/<int:report_id>/sent")
@roles(Role.OFFICIAL)
def sent(report_id):
    """The confirmation: the reference code, and what happens next and when."""
    report = get_report_or_404(report_id)
    return render_template("reports/sent.html", report=report, due=first_review_due(report))


@bp.route("/")
@roles(Role.OFFICIAL)
def index():
    """The village's reports, newest first; those waiting for an answer stand out."""
    village_filter = Report.village_id == current_user.village_id
    pagination = db.paginate(
        select(Report).where(village_filter).order_by(Report.created_at.desc(), Report.id.desc()),
        page=ascii_number(request.args.get("page"), MAX_PAGE) or 1,
        per_page=PER_PAGE,
        error_out=False,
    )
    waiting = report_service.waiting_for_answer(current_user.village_id)
    return render("reports/index.html", pagination=pagination, waiting=waiting)


def detail_context(report, reply_form=None, intake=None, failure=None):
    """The report, its reporter-visible timeline, and the answer form when one is asked for."""
    events = [event for event in report.events if event.visible_to_reporter]
    question = next((e for e in reversed(events) if e.kind == EventKind.INFO_REQUEST), None)
    if workflow.reporter_may_answer(report) and reply_form is None:
        reply_form = ReplyForm(formdata=None)
    if reply_form is not None:
        reply_form.version.data = str(report.version)  # the version this page shows
    intake = intake or PhotoIntake()
    return {
        "report": report,
        "events": events,
        "question": question,
        "reply_form": reply_form if workflow.reporter_may_answer(report) else None,
        "intake": intake,
        "errors": (field_errors(reply_form) if reply_form else [])
        + [("photos", _("Photos"), message) for message in intake.errors],
        "failure": failure,
        "max_photos": MAX_PHOTOS,
        "photo_max_mb": photo_limit_mb(),
    }


@bp.route("/<int:report_id>")
@roles(Role.OFFICIAL)
def detail(report_id):
    """One report of the village as its reporter may see it: facts, photos, timeline."""
    report = get_report_or_404(report_id)
    return render_template("reports/detail.html", **detail_context(report))


@bp.route("/<int:report_id>/reply", methods=("POST",))
@roles(Role.OFFICIAL)
def reply(report_id):
    """Answer the office's request for more information (text and photos): back to review."""
    report = get_report_or_404(report_id)
    if not workflow.reporter_may_answer(report):
        flash(_("This report is not waiting for an answer any more."), "info")
        return redirect(url_for("reports.detail", report_id=report.id), 303)
    with PhotoIntake.from_request() as intake:
        return _save_reply(report, ReplyForm(), intake)


def _save_reply(report, form, intake):
    def page(status=200, failure=None):
        return render_template("reports/detail.html", **detail_context(report, form, intake, failure)), status

    failed = save_answer(report, form, intake, current_user._get_current_object(), page, _(
        "We could not confirm whether your answer was saved, because of a problem on our side. "
        "Open the report again before you send it again."))
    if failed:
        return failed
    flash(_("Thank you. Your answer was sent and the report is back under review."), "success")
    return redirect(url_for("reports.detail", report_id=report.id), 303)
