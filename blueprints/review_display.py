"""How the review pages show reports: waiting times, overdue first reviews, and the queue's rows
with every label and time made once per worker and language. The queue is the busiest page of
the app: a translation looked up per row and per label costs more than its database queries."""

from dataclasses import replace
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_babel import get_locale

import workflow
from blueprints.queue_query import ALL
from blueprints.queue_query import JAKARTA
from blueprints.queue_query import OPEN
from blueprints.queue_query import as_utc
from domain import Status
from i18n import gettext as _
from i18n import ngettext
from labels import label
from lru import LRUCache


def waiting_state(report, now):
    """How long the report has waited for the office, and whether its first review is late
    (only a report still waiting for its first review can be: see workflow.is_overdue)."""
    created = as_utc(report.created_at)
    state = {"waited": workflow.waited(created, now), "due": None, "overdue": False}
    if report.status == Status.NEW:
        days = current_app.config["REVIEW_DUE_WORKING_DAYS"]
        local_created = created.astimezone(JAKARTA)
        state["due"] = workflow.review_due(local_created, days)
        state["overdue"] = workflow.is_overdue(report.status, local_created,
                                               now.astimezone(JAKARTA), days)
    return state


def duration(delta):
    """A waiting time in whole days, hours or minutes ('8 days', where Babel would say '1 week')."""
    if delta >= timedelta(days=1):
        return ngettext("%(num)s day", "%(num)s days", delta.days)
    if delta >= timedelta(hours=1):
        return ngettext("%(num)s hour", "%(num)s hours", delta.seconds // 3600)
    return ngettext("%(num)s minute", "%(num)s minutes", delta.seconds // 60)


TAB_ORDER = (OPEN, ALL, *Status)
_tab_urls = LRUCache(256)


def queue_tabs(filters):
    """The queue's tabs, (key, title, URL): open reports, all, then each status. Their URLs keep
    the other filters; worked out once per filters, as they depend on nothing else."""
    filters = replace(filters, status=OPEN, page=1)
    urls = _tab_urls.get_or_make((request.script_root, filters), lambda: {
        tab: url_for("review.queue", **filters.as_args(status=tab)) for tab in TAB_ORDER})
    titles = {OPEN: _("Open"), ALL: _("All")}
    return [(tab, titles.get(tab) or str(label("status", tab)), urls[tab]) for tab in TAB_ORDER]


class RowView(NamedTuple):
    """A queue row as the template prints it (a named tuple: made 25 times per page)."""

    report: object
    url: str
    category: str
    status: str
    urgent: bool
    overdue: bool
    place: str
    persons: str
    waiting: str
    due: str
    outcome: str
    assignee: str


# Texts that depend on nothing but the language and a value, made once per worker and language:
# Babel's formatting of a date or a duration costs more than the rest of a row. The values are
# few (the labels, whole days, hours or minutes of waiting, calendar days), so nothing is evicted.
# Other kinds are labels (labels.py).
MAKE_TEXT = {
    "waited": duration,
    "due": lambda day: format_date(day, "medium"),
}
_texts_by_language = {}


def queue_rows(reports, now):
    """The rows of a queue page, with every label and time as the template prints it."""
    kept = _texts_by_language.setdefault(str(get_locale()), {})

    def text(kind, value):
        if (kind, value) not in kept:
            make = MAKE_TEXT.get(kind) or (lambda value: str(label(kind, value)))
            kept[kind, value] = make(value)
        return kept[kind, value]

    # Built once: the same URL as url_for("review.detail") with the id at its end.
    detail_url = url_for("review.detail", report_id=0).removesuffix("0")
    waiting_for, due_on = _("Waiting for %(time)s"), _("first review was due %(date)s")
    more, nobody, unknown = _("and %(count)s more"), _("Not assigned"), _("name unknown")
    rows = []
    for report in reports:
        state = waiting_state(report, now)
        is_open = report.status != Status.CLOSED
        persons = (report.first_person or unknown) if report.person_count else ""
        if report.person_count > 1:
            persons += " " + more % {"count": report.person_count - 1}
        rows.append(RowView(
            report=report,
            url=f"{detail_url}{report.id}",
            category=text("category", report.category),
            status=text("status", report.status),
            urgent=report.urgency == "urgent",
            overdue=is_open and state["overdue"],
            place=f"{report.village_name} · {text('source', report.source)}",
            persons=persons,
            waiting=waiting_for % {"time": text("waited", _whole(state["waited"]))} if is_open else "",
            due=due_on % {"date": text("due", state["due"].date())} if state["overdue"] else "",
            outcome=text("outcome", report.outcome) if not is_open else "",
            assignee=report.assignee_name or nobody,
        ))
    return rows


def _whole(delta):
    """The waiting time rounded down to what `duration` shows, so equal texts share a lookup."""
    if delta >= timedelta(days=1):
        return timedelta(days=delta.days)
    if delta >= timedelta(hours=1):
        return timedelta(hours=delta.seconds // 3600)
    return timedelta(minutes=delta.seconds // 60)
