"""The person rows of the report and tip forms, and nationalities in the user's language."""

from datetime import UTC
from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from wtforms import DateField
from wtforms import Form
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError

from domain import Sex
from domain import countries
from web.forms import CheckedMeta
from web.forms import max_length
from web.forms import optional
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.labels import label

CHOOSE_ONE = _l("Please choose one of the options.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _passport(value):
    """Passport numbers are compared without spaces and case."""
    return "".join(value.split()).upper() if isinstance(value, str) else value


class NationalityField(StringField):
    """A text input with a list of countries to pick from; it stores the ISO code ('' if unknown)."""

    def process_data(self, value):
        self.data = value or ""

    def process_formdata(self, valuelist):
        self.raw_data = valuelist
        typed = (valuelist[0] if valuelist else "").strip()
        if not typed:
            self.data = ""
        elif countries.fold(typed) in {countries.fold(_("Stateless")), "stateless", "xx"}:
            self.data = countries.STATELESS
        else:
            self.data = countries.parse_nationality(typed, current_app.config["LANGUAGES"])

    def pre_validate(self, form):
        if self.data is None:
            raise ValidationError(_("Choose a country from the list, or leave it empty if unknown."))

    def _value(self):
        if self.data is None:
            return self.raw_data[0] if self.raw_data else ""
        return nationality_name(self.data)


def nationality_name(code):
    """A nationality in the user's language: a country, 'Stateless', or '' when unknown."""
    if not code:
        return ""
    if code == countries.STATELESS:
        return _("Stateless")
    return countries.country_name(code, str(get_locale())) or code


def nationality_options():
    """The names offered in the nationality list, in the user's language."""
    return [_("Stateless"), *(name for _code, name in countries.countries(str(get_locale())))]


class PersonForm(Form):
    """One person seen. A plain Form: the report carries the one CSRF token."""

    class Meta(CheckedMeta):
        pass

    name = StringField(_l("Name, if known"), [optional(), max_length(120)], filters=[strip])
    sex = SelectField(
        _l("Sex"),
        choices=[SelectChoice(sex.value, label("sex", sex)) for sex in (Sex.UNKNOWN, Sex.MALE, Sex.FEMALE)],
        default=Sex.UNKNOWN.value,
        invalid_choice_message=CHOOSE_ONE,
    )
    nationality = NationalityField(
        _l("Nationality"), description=_l("Type to search. Empty if unknown."))
    age = IntegerField(
        _l("Approximate age"),
        [optional(), NumberRange(0, 120, message=_l("An age between 0 and 120."))],
        invalid_value_message=_l("Enter the age as a whole number."),
    )
    birth_date = DateField(
        _l("Date of birth, if known"), [optional()], invalid_value_message=_l("Enter a valid date.")
    )
    passport_no = StringField(_l("Passport number"), [optional(), max_length(32)], filters=[_passport])
    permit_type = StringField(
        _l("Stay permit, if known"),
        [optional(), max_length(40)],
        filters=[strip],
        description=_l("For example visit visa, KITAS or KITAP."),
    )

    def validate_birth_date(self, field):
        if field.data and not datetime(1900, 1, 1).date() <= field.data <= datetime.now(UTC).date():
            raise ValidationError(_("Enter a date of birth in the past."))
