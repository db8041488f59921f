"""Residents' tips without an account: the public form, the confirmation with a tracking code and
PIN, the status look-up that shows the status and the messages meant for the reporter, and the
answer to the office's question from that page (code and PIN again, text and photos), which puts
the tip back in review exactly as an official's answer does (services/reports.save_reply).

The PIN comes from the form's client UUID (domain.refcodes.device_pin), so a device that sends the
same tip again because the first answer never reached it is shown the same code and PIN."""

from functools import cache

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash
from wtforms import SelectChoice

from domain import EventKind
from domain import Source
from domain import refcodes
from domain import workflow
from extensions import db
from extensions import limiter
from models import Report
from models import Village
from models import hash_secret
from services import reports as report_service
from services.accounts import decoy_hash
from web.access import public
from web.facts import first_review_due
from web.facts import form_context
from web.facts import save_answer
from web.facts import submit_facts
from web.i18n import gettext as _
from web.photo_intake import MAX_PHOTOS
from web.photo_intake import PhotoIntake
from web.photo_intake import photo_limit_mb
from web.report_forms import ReplyForm
from web.report_forms import TipForm
from web.report_forms import TipStatusForm
from web.report_forms import field_errors

bp = Blueprint("tips", __name__, url_prefix="/tips")


def _tip_limit():
    return current_app.config["TIP_LIMIT"]


def _status_limit():
    return current_app.config["TIP_STATUS_LIMIT"]


def _code_limit():
    return current_app.config["TIP_CODE_LIMIT"]


def _submitted_code():
    """The tip code being tried, as the limit on wrong PINs per code counts it, whatever the
    address: the code as stored when it is one, else as typed."""
    typed = request.form.get("code", "")[:40]
    return "tip:" + (refcodes.normalize(typed) or typed.strip().upper())


def _lookup_failed(_response):
    return g.get("tip_lookup_failed", False)


# Wrong codes and PINs count together on the look-up and on the answer, per address and per code:
# answering is no second way to guess a PIN.
wrong_pins_per_address = limiter.shared_limit(_status_limit, scope="tip-pin", methods=["POST"],
                                              deduct_when=_lookup_failed)
wrong_pins_per_code = limiter.shared_limit(_code_limit, scope="tip-code", methods=["POST"],
                                           key_func=_submitted_code, deduct_when=_lookup_failed)


def device_pin(client_uuid):
    """Six digits to read off a phone screen, the same for every send of one form."""
    return refcodes.device_pin(current_app.secret_key, client_uuid)


def offer_pin(tip, created):
    """Show the tip's PIN once on the next page. A resend proves it comes from the device that
    sent the tip (only that device knows the client UUID): it sees the PIN again. A tip whose PIN
    was not derived this way (sent before, or the secret key changed) gets a new one."""
    pin = device_pin(tip.client_uuid)
    if not created and not check_password_hash(tip.tip_pin_hash or decoy_hash(), pin):
        tip.tip_pin_hash = hash_secret(pin)
        db.session.commit()
    session["tip_pins"] = {**session.get("tip_pins", {}), tip.code: pin}


def active_villages():
    return db.session.scalars(select(Village).where(Village.active).order_by(Village.name)).all()


def tip_by_code(code):
    """The resident tip with this reference code (as typed), or None."""
    code = refcodes.normalize(code)
    if code is None:
        return None
    return db.session.scalar(select(Report).where(Report.code == code, Report.source == Source.RESIDENT))


@bp.route("/new", methods=("GET", "POST"))
@public
@limiter.limit(_tip_limit, methods=["POST"])
def new():
    """The public tip form: the same facts as a report, a village, and who you are if you wish."""
    villages = active_villages()
    form = TipForm()
    form.village.choices = [SelectChoice("", _("Choose the village")),
                            *(SelectChoice(village.id, village.name) for village in villages)]
    form.village_ids = {village.id for village in villages}
    form.ensure_client_uuid()
    context = {"fresh": request.method == "GET"}
    if request.method == "GET":
        return render_template("tips/new.html", **form_context(form, PhotoIntake()), **context)
    if form.homepage.data:  # only a bot fills the invisible field: thank it and keep nothing
        flash(_("Thank you. Your information has been received."), "success")
        return redirect(url_for("tips.new"), 303)
    existing = report_service.report_by_uuid(form.client_uuid.data)
    if existing is not None and existing.source == Source.RESIDENT:
        offer_pin(existing, created=False)
        return redirect(url_for("tips.sent", code=existing.code), 303)
    pin = device_pin(form.client_uuid.data)

    @cache
    def pin_hash():
        return hash_secret(pin)  # slow on purpose: only for a tip that is saved

    def build():
        anonymous = form.anonymous.data
        return report_service.report_from_form(
            form,
            village=db.session.get(Village, form.village.data),
            reporter=None,
            source=Source.RESIDENT,
            anonymous=anonymous,
            reporter_name="" if anonymous else form.reporter_name.data or "",
            reporter_phone="" if anonymous else form.reporter_phone.data or "",
            tip_pin_hash=pin_hash(),
        )

    def done(report, created):
        if report.source == Source.RESIDENT:  # shown once on the next page; only its hash is kept
            offer_pin(report, created)
        return redirect(url_for("tips.sent", code=report.code), 303)

    with PhotoIntake.from_request() as intake:
        return submit_facts(form, intake, "tips/new.html", build, done, **context)


@bp.route("/sent/<code>")
@public
def sent(code):
    """The confirmation: the tracking code, the PIN (once), and what happens next and when."""
    tip = tip_by_code(code)
    if tip is None:
        abort(404)
    pins = session.get("tip_pins", {})
    pin = pins.pop(tip.code, None)
    if pin is not None:
        session["tip_pins"] = pins
    return render_template("tips/sent.html", code=tip.code, pin=pin, due=first_review_due(tip))


def _opened_tip(form):
    """The tip the form's code and PIN open, or None (counted against the look-up limits, with
    the error on the PIN field). Always checks one hash, whether the code exists or not."""
    if not form.validate_on_submit():
        return None
    tip = tip_by_code(form.code.data)
    pin_hash = tip.tip_pin_hash if tip is not None and tip.tip_pin_hash else decoy_hash()
    if check_password_hash(pin_hash, form.pin.data.strip()) and tip is not None:
        return tip
    g.tip_lookup_failed = True
    form.pin.errors.append(_("No tip matches this code and PIN. Check both and try again."))
    return None


def _status_page(form, tip, reply_form=None, intake=None, failure=None, http_status=200):
    """The tip's status and messages, with the answer form while the office waits for one."""
    if tip is None:
        return render_template("tips/status.html", form=form, tip=None, events=[]), http_status
    events = [event for event in tip.events if event.visible_to_reporter]
    answer = {}
    if workflow.reporter_may_answer(tip, Source.RESIDENT):
        reply_form = reply_form or ReplyForm(formdata=None)
        reply_form.version.data = str(tip.version)  # the version this page shows
        intake = intake or PhotoIntake()
        answer = {
            "tip_access": (tip.code, form.pin.data.strip()),
            "question": next((e for e in reversed(events) if e.kind == EventKind.INFO_REQUEST), None),
            "intake": intake, "max_photos": MAX_PHOTOS, "photo_max_mb": photo_limit_mb(),
            "errors": field_errors(reply_form) + [("photos", _("Photos"), m) for m in intake.errors],
        }
    return render_template("tips/status.html", form=form, tip=tip, events=events,
                           reply_form=reply_form if answer else None, failure=failure,
                           **answer), http_status


@bp.route("/status", methods=("GET", "POST"))
@public
@wrong_pins_per_address
@wrong_pins_per_code
def status():
    """Look up a tip by code and PIN: its status and the messages meant for the reporter, no more;
    and the form to answer the office's question when it waits for one."""
    form = TipStatusForm()
    tip = _opened_tip(form)
    return _status_page(form, tip, http_status=422 if request.method == "POST" and tip is None else 200)


@bp.route("/answer", methods=("POST",))
@public
@wrong_pins_per_address
@wrong_pins_per_code
def answer():
    """The resident's answer to the office's question (text and photos), sent with the tip's
    code and PIN: one 'reply' event, and the tip goes back to review as after an official's."""
    form = TipStatusForm()
    tip = _opened_tip(form)
    if tip is None:
        return _status_page(form, None, http_status=422)
    if not workflow.reporter_may_answer(tip, Source.RESIDENT):
        return _status_page(form, tip, failure=_("This tip is not waiting for an answer any more."),
                            http_status=409)
    reply_form = ReplyForm()
    with PhotoIntake.from_request() as intake:
        def page(http_status=200, failure=None):
            return _status_page(form, tip, reply_form, intake, failure, http_status)

        failed = save_answer(tip, reply_form, intake, None, page, _(
            "We could not confirm whether your answer was saved, because of a problem on our side. "
            "Look up the tip again before you send it again."))
        if failed:
            return failed
    flash(_("Thank you. Your answer was sent and the tip is back under review."), "success")
    return _status_page(form, tip)
