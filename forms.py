"""Validators with our own translated messages: WTForms ships no Indonesian catalog."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional


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
