"""The forms of the report detail page that carry text, and closing's choice of outcome. The
report's `version` and the last event the officer saw travel beside them as plain hidden inputs
(review/_detail.html), not as form fields, so a form shown again after a conflict always carries
the fresh values. The status and assignment buttons need no form class: their one value is the
button pressed."""

from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import StopValidation

from domain import Outcome
from web.forms import BaseForm
from web.forms import max_length
from web.forms import optional
from web.i18n import lazy_gettext as _l
from web.labels import OUTCOME_LABELS
from web.labels import reply_template

MAX_TEXT = 2000


def not_blank(_form, field):
    """Like `required`, but spaces alone do not count as an answer."""
    if not (field.data or "").strip():
        raise StopValidation(_l("Please fill in this field."))


class WorkspaceForm(BaseForm):
    """A form of the workspace. CSRFProtect checks the page's one token on every POST (each form
    carries it beside the version), so the form does not carry a second, prefixed copy."""

    class Meta(BaseForm.Meta):
        csrf = False


class NoteForm(WorkspaceForm):
    text = TextAreaField(
        _l("Internal note"),
        validators=[not_blank, max_length(MAX_TEXT)],
        description=_l("Only officers and admins see notes; the reporter does not."),
    )


class InfoRequestForm(WorkspaceForm):
    text = TextAreaField(
        _l("Question to the reporter"),
        validators=[not_blank, max_length(MAX_TEXT)],
        description=_l("The reporter sees this question and can answer it."),
    )


class CloseForm(WorkspaceForm):
    """Closing the report: the outcome is a choice in the one form, and the fields only some
    outcomes need (the original of a duplicate) are checked for those outcomes alone."""

    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(outcome.value, OUTCOME_LABELS[outcome]) for outcome in Outcome],
        validators=[InputRequired(_l("Choose the outcome of the report."))],
    )
    message = TextAreaField(
        _l("Message to the reporter"),
        validators=[optional(), max_length(MAX_TEXT)],
        description=_l("Left empty, the reporter gets the standard text of the chosen outcome; "
                       "change it as needed."),
    )
    original = StringField(
        _l("Reference code of the original report (duplicates only)"),
        validators=[optional(), max_length(20)],
        description=_l("The earlier report about the same matter, e.g. KX7M-3QFA."),
    )

    def reply(self):
        """The text the reporter gets: the officer's, or the outcome's standard one."""
        return (self.message.data or "").strip() or reply_template(self.outcome.data)


def blank_forms():
    """Empty forms for every action."""
    return {
        "note": NoteForm(formdata=None, prefix="note"),
        "info": InfoRequestForm(formdata=None, prefix="info"),
        "close": CloseForm(formdata=None, prefix="close"),
    }
