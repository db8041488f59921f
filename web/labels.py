"""Translated labels for the domain vocabulary, resolved in the request's language, and the
starting texts of the reply a reporter receives when a report is closed."""

from domain import AuditKind
from domain import Category
from domain import EventKind
from domain import Outcome
from domain import Role
from domain import Sex
from domain import Source
from domain import Status
from domain import Urgency
from domain.checkins import Standing
from web.i18n import gettext
from web.i18n import lazy_gettext as _l

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

# A village's month (domain.checkins): the words carry the meaning; colour only helps.
STANDING_LABELS = {
    Standing.REPORTED: _l("Reported"),
    Standing.NIL: _l("Nil"),
    Standing.SILENT: _l("Silent"),
    Standing.OPEN: _l("Open"),
}

SEX_LABELS = {
    Sex.MALE: _l("Male"),
    Sex.FEMALE: _l("Female"),
    Sex.UNKNOWN: _l("Unknown"),
}

# Each kind of event as its reporter reads it (they never see notes or assignments), and as
# the office does (event_title adds the statuses and the officer's name).
REPORTER_EVENT_TITLES = {
    EventKind.CREATED: _l("Report sent"),
    EventKind.STATUS: _l("Status changed"),
    EventKind.INFO_REQUEST: _l("Question from the office"),
    EventKind.REPLY: _l("Answer from the reporter"),
}
OFFICE_EVENT_TITLES = {
    EventKind.CREATED: _l("Report sent"),
    EventKind.NOTE: _l("Internal note"),
    EventKind.INFO_REQUEST: _l("Question to the reporter"),
    EventKind.REPLY: _l("Answer from the reporter"),
    EventKind.PERSON_LINKED: _l("Person linked to a person record"),
    EventKind.PERSON_UNLINKED: _l("Person taken out of a person record"),
    EventKind.NOT_SAME: _l("Suggested person record rejected: not the same person"),
    EventKind.RECORDS_MERGED: _l("Person records merged"),
    EventKind.MERGE_UNDONE: _l("Merge of person records undone"),
}

MATCH_LABELS = {
    "passport": _l("same passport number"),
    "name": _l("same name and nationality"),
    "nearby": _l("similar name, same village within 7 days"),
}

AUDIT_KIND_LABELS = {
    AuditKind.ACCOUNT_CREATED: _l("Account created"),
    AuditKind.ACCOUNT_CHANGED: _l("Account changed"),
    AuditKind.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
    AuditKind.ACCOUNT_REACTIVATED: _l("Account reactivated"),
    AuditKind.PASSWORD_RESET: _l("Password reset by an admin"),
    AuditKind.PASSWORD_CHANGED: _l("Password changed by its owner"),
    AuditKind.SESSIONS_ENDED: _l("All sessions ended"),
    AuditKind.VILLAGE_CREATED: _l("Village created"),
    AuditKind.VILLAGE_CHANGED: _l("Village changed"),
    AuditKind.VILLAGE_RENAMED: _l("Village renamed"),
    AuditKind.VILLAGE_DEACTIVATED: _l("Village deactivated"),
    AuditKind.VILLAGE_REACTIVATED: _l("Village reactivated"),
    AuditKind.LOGIN_FAILED: _l("Failed login"),
    AuditKind.RECAP_DOWNLOADED: _l("Recap downloaded"),
    AuditKind.PERSONAL_DATA_EXPORTED: _l("Personal data exported"),
    AuditKind.RETENTION_PURGE: _l("Old reports anonymised under the retention rule"),
}

AUDIT_FIELD_LABELS = {
    "username": _l("Username"),
    "full_name": _l("Full name"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "village": _l("Village"),
    "villages": _l("Villages"),
    "active": _l("Active"),
    "name": _l("Name"),
    "kecamatan": _l("Kecamatan"),
    "kabupaten": _l("Regency or city"),
    "province": _l("Province"),
    "format": _l("Format"),
    "scope": _l("Villages"),
    "period": _l("Period"),
    "rows": _l("Rows"),
}

LABELS = {
    "role": ROLE_LABELS,
    "status": STATUS_LABELS,
    "outcome": OUTCOME_LABELS,
    "category": CATEGORY_LABELS,
    "urgency": URGENCY_LABELS,
    "source": SOURCE_LABELS,
    "sex": SEX_LABELS,
    "standing": STANDING_LABELS,
    "match": MATCH_LABELS,
    "audit": AUDIT_KIND_LABELS,
    "audit field": AUDIT_FIELD_LABELS,
}


def event_title(event, for_office=True):
    """What an event of a report's history is called, for the office or for its reporter."""
    if not for_office:
        return str(REPORTER_EVENT_TITLES.get(event.kind, event.kind))
    if event.kind == EventKind.STATUS:
        return gettext("Status: %(from)s → %(to)s", **{
            "from": label("status", event.from_status), "to": label("status", event.to_status)})
    if event.kind == EventKind.ASSIGNED:
        if event.text:
            return gettext("Assigned to %(name)s", name=event.text)
        return gettext("No longer assigned")
    return str(OFFICE_EVENT_TITLES.get(event.kind, event.kind))


def audit_value(field, value):
    """A value of an audit entry's change as the admin reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field == "role":
        return label("role", value)
    return str(value)


def label(kind, value):
    """The translated label of one enum value; the raw value if it is unknown."""
    if value is None:
        return ""
    return LABELS[kind].get(value, value)


# One translated starting text per outcome, which the officer edits before sending.
REPLY_TEMPLATES = {
    Outcome.ACTION_TAKEN: _l(
        "Thank you for your report. Our officers checked it and took action under the "
        "immigration rules. Your help keeps the village safe."
    ),
    Outcome.NO_VIOLATION: _l(
        "Thank you for your report. Our officers checked it and found no violation. The people "
        "concerned were told about the rules for foreigners, and we thank you for your care."
    ),
    Outcome.NOT_FOUND: _l(
        "Thank you for your report. Our officers looked but could not find the people described. "
        "If you see them again, please send a new report."
    ),
    Outcome.DUPLICATE: _l(
        "Thank you for your report. The same matter was reported earlier and is being handled "
        "under that report, so we have joined the two."
    ),
    Outcome.NOT_OUR_AUTHORITY: _l(
        "Thank you for your report. This matter is outside the authority of the immigration "
        "office. Please bring it to the village administration or the police."
    ),
    Outcome.INVALID: _l(
        "Thank you for your report. We could not follow it up because the information was "
        "unclear or incomplete. You are welcome to send a new report with more details."
    ),
}


def reply_template(outcome):
    """The starting text of the reply for `outcome`, in the current language."""
    return str(REPLY_TEMPLATES[Outcome(outcome)])
