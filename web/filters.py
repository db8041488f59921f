"""Filters read from the address bar: the review queue's and the audit log's. A bad value is
dropped with a translated message, never answered with an error page."""

from domain import Category
from domain import Source
from domain import Urgency
from domain import refcodes
from domain.calendar import parse_day
from services.queue import ALL
from services.queue import ASSIGNEES
from services.queue import MAX_PAGE
from services.queue import MAX_PER_PAGE
from services.queue import OPEN
from services.queue import SORTS
from services.queue import TABS
from services.queue import QueueFilters
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.routing import ascii_number

# The queue's filters chosen from a list: what each may be, and the message when it is not.
QUEUE_CHOICES = {
    "status": (frozenset(TABS), _l("Choose one of the tabs.")),
    "category": (frozenset(Category), _l("Choose a category from the list.")),
    "urgency": (frozenset(Urgency), _l("Choose an urgency from the list.")),
    "source": (frozenset(Source), _l("Choose a source from the list.")),
    "assignee": (frozenset(ASSIGNEES), _l("Choose an assignee from the list.")),
    "sort": (frozenset(SORTS), _l("Choose an order from the list.")),
}
MAX_QUERY_LENGTH = 100


def printable(text):
    """`text` without control characters (NUL among them, which PostgreSQL refuses)."""
    return "".join(character if character.isprintable() else " " for character in text)


def _read_dates(args, values, errors):
    """date_from and date_to, as the office's calendar days."""
    for name in ("date_from", "date_to"):
        raw = args.get(name, "").strip()
        if raw:
            try:
                values[name] = parse_day(raw)
            except ValueError:
                errors[name] = _("Enter a date like 2026-11-28.")


def _read_number(args, name, high, values, errors):
    """A whole number from 1 to `high`, written in ASCII digits."""
    raw = args.get(name, "").strip()
    if raw:
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= high:
            values[name] = int(raw)
        else:
            errors[name] = _("Enter a number from 1 to %(high)s.", high=high)


def _read_id(args, name, allowed, message, values, errors):
    """The id of one of `allowed` (None: any id)."""
    raw = args.get(name, "").strip()
    if raw:
        number = ascii_number(raw)  # never beyond the database's integers
        if number is not None and (allowed is None or number in allowed):
            values[name] = number
        else:
            errors[name] = message


def queue_filters(args, village_ids):
    """The review queue's filters from request arguments; `village_ids` are the villages the
    user may see (None: all)."""
    errors = {}
    values = {}
    for name, (allowed, message) in QUEUE_CHOICES.items():
        raw = args.get(name, "").strip()
        if raw and raw not in allowed:
            errors[name] = str(message)
        elif raw:
            values[name] = raw
    _read_id(args, "village", village_ids, _("Choose one of your villages."), values, errors)
    _read_dates(args, values, errors)
    _read_number(args, "page", MAX_PAGE, values, errors)
    _read_number(args, "per_page", MAX_PER_PAGE, values, errors)
    values["q"] = " ".join(printable(args.get("q", "")).split())[:MAX_QUERY_LENGTH]
    if values["q"] and values.get("status", OPEN) == OPEN:
        # "Have we seen this passport before?" means closed reports too: a search made from
        # the first tab looks in every status (the All tab); another tab narrows it.
        values["status"] = ALL
    return QueueFilters(**values), errors


AUDIT_DEFAULTS = {"log": "reports", "user": None, "report": "", "date_from": None, "date_to": None,
                  "page": 1}
# The two parts of the audit log: events on reports, and entries on accounts, villages and logins.
AUDIT_LOGS = ("reports", "accounts")


def audit_filters(args, user_ids):
    """The audit log's filters: which log, a user among `user_ids`, a reference code (for the
    reports' log), dates and a page."""
    filters = dict(AUDIT_DEFAULTS)
    errors = {}
    log = args.get("log", "").strip()
    if log in AUDIT_LOGS:
        filters["log"] = log
    elif log:
        errors["log"] = _("Choose one of the tabs.")
    _read_id(args, "user", user_ids, _("Choose a user from the list."), filters, errors)
    report = args.get("report", "").strip()
    if report:
        filters["report"] = refcodes.normalize(report) or ""
        if not filters["report"]:
            errors["report"] = _("Enter a reference code like KX7M-3QFA.")
    _read_dates(args, filters, errors)
    _read_number(args, "page", MAX_PAGE, filters, errors)
    return filters, errors
