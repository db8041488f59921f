"""The forms of the report detail page that carry text. The report's `version` and the last
event the officer saw travel beside them as plain hidden inputs (review/_detail.html), not as
form fields, so a form shown again after a conflict always carries the fresh values. The status
and assignment buttons need no form class: their one value is the button pressed."""

from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import StopValidation

from domain import Outcome
from web.forms import BaseForm
from web.forms import max_length
from web.forms import optional
from web.i18n import lazy_gettext as _l
from web.labels import reply_template

MAX_TEXT = 2000


def not_blank(_form, field):
    """Like `required`, but spaces alone do not count as an answer."""
    if not (field.data or "").strip():
        raise StopValidation(_l("Please fill in this field."))


class NoteForm(BaseForm):
    text = TextAreaField(
        _l("Internal note"),
        validators=[not_blank, max_length(MAX_TEXT)],
        description=_l("Only officers and admins see notes; the reporter does not."),
    )


class InfoRequestForm(BaseForm):
    text = TextAreaField(
        _l("Question to the reporter"),
        validators=[not_blank, max_length(MAX_TEXT)],
        description=_l("The reporter sees this question and can answer it."),
    )


class CloseForm(BaseForm):
    """One per outcome (prefix close-<outcome>); the outcome itself is a plain hidden input."""

    message = TextAreaField(
        _l("Message to the reporter"),
        validators=[not_blank, max_length(MAX_TEXT)],
        description=_l("Starts from the standard text for this outcome; change it as needed."),
    )
    original = StringField(
        _l("Reference code of the original report"),
        validators=[optional(), max_length(20)],
        description=_l("The earlier report about the same matter, e.g. KX7M-3QFA."),
    )


def close_prefix(outcome):
    return f"close-{outcome}"


def blank_forms():
    """Empty forms for every action, each close form holding its outcome's reply template."""
    forms = {
        "note": NoteForm(formdata=None, prefix="note"),
        "info": InfoRequestForm(formdata=None, prefix="info"),
    }
    for outcome in Outcome:
        forms[close_prefix(outcome)] = CloseForm(
            formdata=None,
            prefix=close_prefix(outcome),
            message=reply_template(outcome),
        )
    return forms
