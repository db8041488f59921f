"""The forms of the reporting pages: the official's report, the resident's tip, the reply to an
information request, and the tip status look-up. Every message is our own translated one."""

import re
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from wtforms import BooleanField
from wtforms import DateTimeLocalField
from wtforms import FieldList
from wtforms import FloatField
from wtforms import FormField
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import NumberRange
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from domain import Category
from domain import Urgency
from web.forms import BaseForm
from web.forms import length_between
from web.forms import max_length
from web.forms import optional
from web.forms import required
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.labels import label
from web.person_form import CHOOSE_ONE
from web.person_form import PersonForm
from web.person_form import strip

MIN_DESCRIPTION = 20
MAX_PERSONS = 20
PHONE = Regexp(r"^\+?[0-9 ()-]{6,32}$", message=_l("Enter a phone number: digits, spaces and + only."))

CATEGORY_HINTS = {
    # The law (Pasal 72(2), 117) binds lodging owners and managers, when asked; hosts are advised.
    Category.LODGING: _l(
        "Foreigners staying in a house, homestay or rented room. Lodging owners must give officers "
        "their foreign guests' data when asked; any host is advised to report guests through APOA."
    ),
    Category.WORKING: _l("Foreigners working or running a business here, paid or not."),
    Category.SEA_ARRIVAL: _l("Foreigners arriving by boat, above all away from the official port."),
    Category.SUSPICIOUS: _l("Something that worries you, such as people moved or kept in secret."),
    Category.FAMILY: _l(
        "A foreigner living with a family in the village, where something seems wrong. "
        "A family that only has questions about permits should ask the office instead."
    ),
    Category.OTHER: _l("Anything else about foreigners that the office should know."),
}


def _local_zone():
    """The user's zone as zoneinfo: attaching a pytz zone with replace() would give its 1924 offset."""
    return ZoneInfo(str(get_timezone()))


def _optional_int(value):
    """A select's value as a number; the empty placeholder is None."""
    return int(value) if value not in ("", None) else None


def _now():
    return datetime.now(UTC).replace(second=0, microsecond=0)


class FactsForm(BaseForm):
    """What was seen, where and when, and who: the part the report and the tip share."""

    client_uuid = HiddenField()
    category = RadioField(
        _l("What is it about?"),
        choices=[SelectChoice(category.value, label("category", category)) for category in Category],
        invalid_choice_message=CHOOSE_ONE,
    )
    urgency = RadioField(
        _l("How urgent is it?"),
        choices=[SelectChoice(urgency.value, label("urgency", urgency)) for urgency in Urgency],
        default=Urgency.NORMAL.value,
        invalid_choice_message=CHOOSE_ONE,
        description=_l("Urgent: someone may be in danger, or the people may leave soon."),
    )
    observed_at = DateTimeLocalField(
        _l("When did you see it?"),
        [required()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        tz=_local_zone,
        default=_now,
        invalid_value_message=_l("Enter a date and time."),
    )
    address = StringField(
        _l("Where? Address or description of the place"),
        [required(), length_between(3, 300)],
        filters=[strip],
    )
    rt_rw = StringField(_l("RT/RW"), [optional(), max_length(20)], filters=[strip])
    latitude = FloatField(
        _l("Latitude"),
        [optional(), NumberRange(-90, 90, message=_l("Between -90 and 90."))],
        invalid_value_message=_l("Enter a number."),
    )
    longitude = FloatField(
        _l("Longitude"),
        [optional(), NumberRange(-180, 180, message=_l("Between -180 and 180."))],
        invalid_value_message=_l("Enter a number."),
    )
    accuracy_m = FloatField(
        _l("Accuracy in metres"),
        [optional(), NumberRange(0, 100_000, message=_l("Between 0 and 100000."))],
        invalid_value_message=_l("Enter a number."),
    )
    description = TextAreaField(
        _l("What did you see?"),
        [required(), length_between(MIN_DESCRIPTION, 5000)],
        filters=[strip],
        description=_l("Only what you saw or heard: what they do, where they stay, how they came, "
                       "since when. At least %(min)d characters.", min=MIN_DESCRIPTION),
    )
    persons = FieldList(FormField(PersonForm), min_entries=1)

    def ensure_client_uuid(self):
        """Keep the client's idempotency key if it is one; otherwise make a new one."""
        try:
            self.client_uuid.data = str(uuid.UUID(self.client_uuid.data or ""))
        except ValueError:
            self.client_uuid.data = str(uuid.uuid4())

    def validate_observed_at(self, field):
        if field.data and field.data > datetime.now(UTC) + timedelta(minutes=10):
            raise ValidationError(_("This time is in the future."))

    def validate(self, extra_validators=None):
        """The fields' own checks, then one across two fields: a position needs both halves."""
        valid = super().validate(extra_validators)
        halves = (self.latitude, self.longitude)
        if any(half.errors for half in halves) or (halves[0].data is None) == (halves[1].data is None):
            return valid
        missing = next(half for half in halves if half.data is None)
        missing.errors = [_("Give both latitude and longitude, or neither.")]
        return False

    def validate_persons(self, field):
        if len(field.entries) > MAX_PERSONS:
            raise ValidationError(_("At most %(max)d persons in one report.", max=MAX_PERSONS))

    def add_person(self):
        """One more empty person row, up to the limit."""
        if len(self.persons) < MAX_PERSONS:
            self.persons.append_entry()

    def remove_person(self, index, formdata):
        """Drop the row sent with this index; one row always stays. WTForms renumbers the rows it
        receives from 0, so the sent index is found by its place among the sent ones."""
        row = re.compile(rf"{re.escape(self.persons.name)}-([0-9]+)-")
        sent = sorted({int(found[1]) for key in formdata if (found := row.match(key))})
        if index.isascii() and index.isdigit() and int(index) in sent and len(self.persons.entries) > 1:
            del self.persons.entries[sent.index(int(index))]


class ReportForm(FactsForm):
    """The village official's report; the village is the official's own."""

    reporter_phone = StringField(
        _l("Your phone number"),
        [optional(), max_length(32), PHONE],
        filters=[strip],
        description=_l("So the officer can call you back."),
    )


class TipForm(FactsForm):
    """A resident's tip, without an account."""

    village = SelectField(
        _l("Village"),
        coerce=_optional_int,
        invalid_choice_message=_l("Choose your village from the list."),
        invalid_value_message=_l("Choose your village from the list."),
    )
    anonymous = BooleanField(
        _l("Send anonymously"),
        description=_l("Nothing about you is kept: no name, no phone number. "
                       "The office then cannot call you back."),
    )
    reporter_name = StringField(_l("Your name (optional)"), [optional(), max_length(120)], filters=[strip])
    reporter_phone = StringField(
        _l("Your phone number (optional)"), [optional(), max_length(32), PHONE], filters=[strip]
    )
    # Hidden from people by CSS; a bot filling every field gives itself away.
    homepage = StringField(_l("Leave this field empty"))
    village_ids = frozenset()  # the active villages, set by the view

    def validate_village(self, field):
        if field.data not in self.village_ids:
            raise ValidationError(_("Choose your village from the list."))


class ReplyForm(BaseForm):
    """The reporter's answer to an information request."""

    text = TextAreaField(_l("Your answer"), [required(), length_between(5, 5000)], filters=[strip])
    version = HiddenField()


class TipStatusForm(BaseForm):
    """The tracking code and PIN a resident got when sending a tip."""

    code = StringField(_l("Tracking code"), [required(), max_length(20)],
                       description=_l("For example KX7M-3QFA."))
    pin = StringField(_l("PIN"), [required(), max_length(12)],
                      description=_l("The 6 digits shown with the code."))


def field_errors(form, prefix=""):
    """(field id, field label, message) for every error of the form, person rows included,
    in page order, for the error summary."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            found.extend(("persons-field", "", message)
                         for message in field.errors if isinstance(message, str))
            for number, entry in enumerate(field.entries, start=1):
                found.extend(field_errors(entry.form, _("Person %(number)d", number=number) + " · "))
        elif field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
            found.extend((field.id, prefix + field.label.text, message) for message in field.errors)
    return found
