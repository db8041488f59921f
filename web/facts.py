"""The pages that take a report's facts (an official's report, a resident's tip): what their
form templates need, and posting the form, which may only add or remove a row, or save once."""

from flask import current_app
from flask import render_template
from flask import request
from sqlalchemy.orm.exc import StaleDataError

from domain import CATEGORY_GUIDANCE
from domain.calendar import review_due
from extensions import db
from services import reports as report_service
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.person_form import nationality_options
from web.photo_intake import MAX_PHOTOS
from web.photo_intake import photo_limit_mb
from web.report_forms import CATEGORY_HINTS
from web.report_forms import field_errors

ROW_BUTTONS = ("add_person", "remove_person", "remove_photo")
# An answer to the office's question sent after the office changed the report (officials and residents).
CHANGED_MEANWHILE = _l(
    "The office changed this report while you were writing. Read the latest question, "
    "then send your answer again.")
STORAGE_FAILURE = _l("The photos could not be stored because of a problem on our side. Nothing was "
                     "saved, and what you entered is still here: please send it again later.")
OUTCOME_UNKNOWN = _l("We could not confirm whether your report was saved, because of a problem on our "
                     "side. Please send it again: if it was saved, it will not be saved twice.")


def save_answer(report, form, intake, actor, page, look_again):
    """Check and save a reporter's answer to the office's question (an official's or a
    resident's): None once saved, else the page to show, from `page(status, failure)`.
    `look_again` tells the reporter how to see whether an answer of unknown fate was saved."""
    if "remove_photo" in request.form:
        return page()
    if not (form.validate() & intake.valid):
        return page(503, STORAGE_FAILURE) if intake.unavailable else page(422)
    if form.version.data != str(report.version):
        return page(409, CHANGED_MEANWHILE)
    try:
        report_service.save_reply(report, form.text.data, intake, actor)
    except StaleDataError:  # the office changed the report between our read and our write
        db.session.rollback()
        return page(409, CHANGED_MEANWHILE)
    except report_service.OutcomeUnknown:
        current_app.logger.error("answer to report %s: the database did not say whether it was saved",
                                 report.id)
        return page(503, look_again)
    except report_service.SAVE_ERRORS:
        current_app.logger.exception("answer to report %s could not be saved", report.id)
        return page(500, _("Your answer could not be saved because of a problem on our side. "
                           "Nothing was saved: please send it again."))
    return None


def first_review_due(report):
    """When the office promises the report's first review (the office's working days)."""
    return review_due(report.created_at, current_app.config["REVIEW_DUE_WORKING_DAYS"])


def form_context(form, intake, failure=None):
    """What every template showing the facts form needs."""
    errors = field_errors(form) + [("photos", _("Photos"), message) for message in intake.errors]
    return {
        "form": form,
        "intake": intake,
        "errors": errors,
        "failure": failure,
        "category_hints": CATEGORY_HINTS,
        "category_guidance": CATEGORY_GUIDANCE,
        "countries": nationality_options(),
        "max_photos": MAX_PHOTOS,
        "photo_max_mb": photo_limit_mb(),
    }


def change_rows(form):
    """Without JavaScript, 'add a person' and the remove buttons send the form: apply them."""
    if "add_person" in request.form:
        form.add_person()
    elif "remove_person" in request.form:
        form.remove_person(request.form["remove_person"], request.form)


def submit_facts(form, intake, template, build, done, **context):
    """Handle a posted report or tip: grow/shrink the form, or validate and save it once."""
    if any(button in request.form for button in ROW_BUTTONS):
        change_rows(form)
        return render_template(template, **form_context(form, intake), **context)
    if not (form.validate() & intake.valid):
        if intake.unavailable:  # our photo storage failed, not the user: a retry may succeed
            return render_template(template, **form_context(form, intake, STORAGE_FAILURE), **context), 503
        return render_template(template, **form_context(form, intake), **context), 422
    try:
        report, created = report_service.save_new_report(build, intake)
    except report_service.OutcomeUnknown:
        current_app.logger.error("report %s: the database did not say whether it was saved",
                                 form.client_uuid.data)
        return render_template(template, **form_context(form, intake, OUTCOME_UNKNOWN), **context), 503
    except report_service.SAVE_ERRORS:
        current_app.logger.exception("report %s could not be saved", form.client_uuid.data)
        failure = _("The report could not be saved because of a problem on our side. Nothing was "
                    "saved, and what you entered is still here: please send it again.")
        return render_template(template, **form_context(form, intake, failure), **context), 500
    return done(report, created)


