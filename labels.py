"""Translated labels for the domain vocabulary, resolved in the request's language."""

from domain import Category
from domain import EventKind
from domain import Outcome
from domain import Role
from domain import Sex
from domain import Source
from domain import Status
from domain import Urgency
from i18n import lazy_gettext as _l

ROLE_LABELS = {
    Role.OFFICIAL: _l("Village official"),
    Role.OFFICER: _l("PIMPASA officer"),
    Role.ADMIN: _l("Office admin"),
}

STATUS_LABELS = {
    Status.NEW: _l("Sent"),
    Status.IN_REVIEW: _l("Under PIMPASA review"),
    Status.NEEDS_INFO: _l("More information needed"),
    Status.FIELD_CHECK: _l("Field check"),
    Status.FORWARDED: _l("Forwarded to Inteldakim/TIMPORA"),
    Status.CLOSED: _l("Closed"),
}

OUTCOME_LABELS = {
    Outcome.ACTION_TAKEN: _l("Action taken"),
    Outcome.NO_VIOLATION: _l("No violation, education given"),
    Outcome.NOT_FOUND: _l("Not found"),
    Outcome.DUPLICATE: _l("Duplicate"),
    Outcome.NOT_OUR_AUTHORITY: _l("Not our authority"),
    Outcome.INVALID: _l("Invalid"),
}

CATEGORY_LABELS = {
    Category.LODGING: _l("Staying or lodging"),
    Category.WORKING: _l("Working"),
    Category.SEA_ARRIVAL: _l("Arrival by sea or at an unofficial landing point"),
    Category.SUSPICIOUS: _l("Suspicious activity"),
    Category.FAMILY: _l("Family or mixed marriage"),
    Category.OTHER: _l("Other"),
}

URGENCY_LABELS = {
    Urgency.NORMAL: _l("Normal"),
    Urgency.URGENT: _l("Urgent"),
}

SOURCE_LABELS = {
    Source.OFFICIAL: _l("Village official"),
    Source.RESIDENT: _l("Resident"),
}

SEX_LABELS = {
    Sex.MALE: _l("Male"),
    Sex.FEMALE: _l("Female"),
    Sex.UNKNOWN: _l("Unknown"),
}

EVENT_LABELS = {
    EventKind.CREATED: _l("Report sent"),
    EventKind.STATUS: _l("Status changed"),
    EventKind.NOTE: _l("Message from the office"),
    EventKind.ASSIGNED: _l("Officer assigned"),
    EventKind.INFO_REQUEST: _l("Question from the office"),
    EventKind.REPLY: _l("Answer from the reporter"),
}

LABELS = {
    "role": ROLE_LABELS,
    "status": STATUS_LABELS,
    "outcome": OUTCOME_LABELS,
    "category": CATEGORY_LABELS,
    "urgency": URGENCY_LABELS,
    "source": SOURCE_LABELS,
    "sex": SEX_LABELS,
    "event": EVENT_LABELS,
}


def label(kind, value):
    """The translated label of one enum value; the raw value if it is unknown."""
    if value is None:
        return ""
    return LABELS[kind].get(value, value)
