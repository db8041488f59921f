"""Form base class and validators whose messages come from our own catalog.
WTForms ships no Indonesian translation, so its built-in messages are routed through i18n.py."""

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from web.i18n import catalog
from web.i18n import gettext
from web.i18n import lazy_gettext as _l

# WTForms' own messages, named here so that `make i18n` extracts them into our catalog.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("'%(value)s' are not valid choices for this field."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Choices cannot be None."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
)


class BabelTranslations:
    """The translations object WTForms asks for, answering from the app's catalog."""

    def gettext(self, string):
        return gettext(string)

    def ngettext(self, singular, plural, n):
        return catalog().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    """Every form of the app: CSRF from Flask-WTF, messages in the user's language."""

    class Meta:
        def get_translations(self, form):
            return BabelTranslations()


def required():
    return InputRequired(message=_l("Please fill in this field."))


def optional():
    return Optional()


def max_length(limit):
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


def length_between(low, high):
    return Length(
        min=low, max=high, message=_l("Between %(min)d and %(max)d characters.", min=low, max=high)
    )
