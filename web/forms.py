"""Form base class and validators whose messages come from our own catalog.
WTForms ships no Indonesian translation, so its built-in messages are routed through i18n.py.

Every field of every form also passes the checks of `BaseForm.Meta.bind_field`, so that odd input
gets a form error instead of a database error: a one-line text (a name, a village, an e-mail
address, anything that may end up in a mail header) refuses line breaks and other control
characters; a multi-line text keeps its line breaks and tabs and loses the other control
characters (NUL, which PostgreSQL refuses, among them); a date must fall between 1900 and 2100."""

import unicodedata
from datetime import date
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import DateTimeField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from domain.calendar import FIRST_DAY
from domain.calendar import LAST_DAY
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


# Line breaks that are not control characters, refused in one-line texts with them.
LINE_SEPARATORS = frozenset("\u2028\u2029\u0085")
KEPT_IN_TEXT = frozenset("\n\t")


def is_control(character):
    return unicodedata.category(character) == "Cc"


def single_line(value):
    """A filter for one-line texts: refuses CR, LF and every other control character."""
    if isinstance(value, str) and any(is_control(c) or c in LINE_SEPARATORS for c in value):
        raise ValueError(gettext("Use one line of text, without line breaks or control characters."))
    return value


def clean_text(value):
    """A filter for multi-line texts: line breaks as LF, tabs kept, other control characters removed."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in KEPT_IN_TEXT or not is_control(c))


def plausible_date(value):
    """A filter for dates: between FIRST_DAY and LAST_DAY (1900 to 2100)."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(gettext("Enter a date between %(first)s and %(last)s.",
                                 first=FIRST_DAY.year, last=LAST_DAY.year))
    return value


def input_filter(field_class):
    """The check every field of this class passes first, or None."""
    if issubclass(field_class, TextAreaField):
        return clean_text
    if issubclass(field_class, StringField):
        return single_line
    if issubclass(field_class, DateField | DateTimeField):
        return plausible_date
    return None


class CheckedMeta:
    """The Meta of every form and sub-form: messages in the user's language, and the input check
    of its class first among each field's filters."""

    def get_translations(self, form):
        return BabelTranslations()

    def bind_field(self, form, unbound_field, options):
        check = input_filter(unbound_field.field_class)
        if check is not None:
            own = (*unbound_field.kwargs.get("filters", ()), *options.pop("filters", ()))
            options["filters"] = (check, *own)
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """Every form of the app: CSRF from Flask-WTF, and CheckedMeta's messages and input checks."""

    class Meta(CheckedMeta):
        pass


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
