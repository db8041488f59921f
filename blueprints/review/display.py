"""How the review pages show reports: waiting times, overdue first reviews, and the queue's rows
with every label and time made once per worker and language. The queue is the busiest page of
the app: a translation looked up per row and per label costs more than its database queries."""

from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_babel import get_locale

from domain import Status
from domain import calendar
from domain import workflow
from services.queue import ALL
from services.queue import OPEN
from web.caching import remembered
from web.fragments import kept_each
from web.i18n import gettext as _
from web.i18n import ngettext
from web.labels import label


def waiting_state(report, now):
    """How long the report has waited for the office, and whether its first review is late
    (only a report still waiting for its first review can be: see workflow.is_overdue)."""
    state = {"waited": calendar.waited(report.created_at, now), "due": None, "overdue": False}
    if report.status == Status.NEW:
        days = current_app.config["REVIEW_DUE_WORKING_DAYS"]
        state["due"] = calendar.review_due(report.created_at, days)
        state["overdue"] = workflow.is_overdue(report.status, report.created_at, now, days)
    return state


def duration(delta):
    """A waiting time in whole days, hours or minutes ('8 days', where Babel would say '1 week')."""
    if delta >= timedelta(days=1):
        return ngettext("%(num)s day", "%(num)s days", delta.days)
    if delta >= timedelta(hours=1):
        return ngettext("%(num)s hour", "%(num)s hours", delta.seconds // 3600)
    return ngettext("%(num)s minute", "%(num)s minutes", delta.seconds // 60)


TAB_ORDER = (OPEN, ALL, *Status)


def queue_tabs(filters, counts):
    """The queue's tabs, (key, title, URL, count): open reports, all, then each status. Their
    URLs keep the other filters; worked out once per filters, as they depend on nothing else."""
    filters = replace(filters, status=OPEN, page=1)
    urls = remembered("queue tab URLs", (request.script_root, filters), lambda: {
        tab: url_for("review.queue", **filters.as_args(status=tab)) for tab in TAB_ORDER})
    titles = {OPEN: _("Open"), ALL: _("All")}
    return tuple((tab, str(titles.get(tab) or label("status", tab)), urls[tab], counts[tab])
                 for tab in TAB_ORDER)


class QueueRowView(NamedTuple):
    """A queue row as the template prints it (a named tuple: made 25 times per page)."""

    code: str
    status_key: str  # the status itself, for the chip's style
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


class TimelineEvent(NamedTuple):
    """An event as a report's timeline shows it: values only, so its rendering can be kept."""

    kind: str
    from_status: str | None
    to_status: str | None
    text: str
    actor_name: str | None
    created_at: datetime
    visible_to_reporter: bool


def timeline_items(events):
    """A report's timeline, one rendered item per event (review/_event.html), kept by the
    values it shows: the same event on any report page, for any officer, is rendered once per
    language, and an event whose text is cleared (the purge) gets a new item."""
    return kept_each("review/_event.html", [(("event", TimelineEvent(
        event.kind, event.from_status, event.to_status, event.text, event.actor_name,
        event.created_at, event.visible_to_reporter)),) for event in events])


# How each kind of text of a row is made from its value; other kinds are labels (labels.py).
# Babel's formatting of a date or a duration costs more than the rest of a row, and the values
# are few (labels, whole days, hours or minutes of waiting, calendar days), so each text is made
# once per app and language and never evicted.
TEXT_MAKERS = {
    "waited": duration,
    "due": lambda day: format_date(day, "medium"),
}


def row_texts():
    """{(kind, value): text} of this app in the request's language, filled as rows need them."""
    by_language = current_app.extensions.setdefault("queue row texts", {})
    return by_language.setdefault(str(get_locale()), {})


def queue_rows(reports, now):
    """The rows of a queue page, with every label and time as the template prints it."""
    texts = row_texts()

    def text(kind, value):
        if (kind, value) not in texts:
            maker = TEXT_MAKERS.get(kind) or (lambda value: str(label(kind, value)))
            texts[kind, value] = maker(value)
        return texts[kind, value]

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
        rows.append(QueueRowView(
            code=report.code,
            status_key=report.status,
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
