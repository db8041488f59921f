"""The review pages: the queue with its tabs and filters, the navigation badge, and a report's
page with its workspace (the part the actions in actions.py re-render)."""

from dataclasses import replace
from datetime import UTC
from datetime import datetime

from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from blueprints.review import bp
from blueprints.review import for_the_office
from blueprints.review.display import duration
from blueprints.review.display import queue_rows
from blueprints.review.display import queue_tabs
from blueprints.review.display import timeline_items
from blueprints.review.display import waiting_state
from blueprints.review.forms import blank_forms
from domain import Category
from domain import Outcome
from domain import Source
from domain import Urgency
from domain import visibility
from domain import workflow
from extensions import db
from models import Event
from models import Report
from models import Village
from services import person_records
from services import queue as review_queue
from services.related import duplicates_of
from services.related import related_reports
from web.filters import queue_filters
from web.fragments import kept
from web.fragments import kept_each
from web.htmx import render
from web.labels import label
from web.labels import reply_template
from web.navigation import visible_or_404

DETAIL_OPTIONS = (
    joinedload(Report.village).joinedload(Village.officers),  # whom the report may be assigned to
    joinedload(Report.reporter),
    joinedload(Report.assignee),
    joinedload(Report.duplicate_of),
    selectinload(Report.persons),
    selectinload(Report.photos),
    selectinload(Report.events).joinedload(Event.actor),
)
# Built once: Session.get would build the statement and its loader options on every request.
DETAIL_REPORT = select(Report).options(*DETAIL_OPTIONS).where(Report.id == bindparam("report_id"))


@bp.context_processor
def review_helpers():
    """Helpers for the review templates."""
    now = datetime.now(UTC)
    return {
        "waiting": lambda report: waiting_state(report, now),
        "duration": duration,
        "photo_urls": photo_urls,
    }


def photo_urls(photo):
    """(full size, thumbnail) URLs of a photo, from the route that checks who may see it."""
    return (url_for("photos.photo", photo_id=photo.id),
            url_for("photos.thumb", photo_id=photo.id))


def visible_villages():
    """The villages the user may filter by: an officer's own, or all for admins."""
    if current_user.visible_village_ids() is None:
        return list(db.session.scalars(select(Village).order_by(Village.name)))
    return current_user.villages


@bp.route("/")
@for_the_office
def queue():
    """The queue: tabs with counts per status, filters, search, order and pages."""
    filters, errors = queue_filters(request.args, current_user.visible_village_ids())
    reports, has_next = review_queue.queue_page(current_user, filters)
    choices = {
        "village": tuple((village.id, village.name) for village in visible_villages()),
        "category": tuple(Category),
        "urgency": tuple(Urgency),
        "source": tuple(Source),
        "assignee": review_queue.ASSIGNEES,
        "sort": review_queue.SORTS,
    }
    return render(
        "review/queue.html",
        422 if errors else 200,
        # The address bar shows the canonical URL of what is listed, so it can be shared.
        push_url=url_for("review.queue", **filters.as_args()),
        filters=filters,
        errors=errors,
        rows=kept_each("review/_queue_row.html",
                       [(("row", row),) for row in queue_rows(reports, datetime.now(UTC))]),
        has_next=has_next,
        tab_bar=kept("review/_tabs.html", current=filters.status,
                     tabs=queue_tabs(filters, review_queue.status_counts(current_user, filters))),
        # The form does not show the page: one kept form for every page of the same filters.
        filter_form=kept("review/_filters.html", filters=replace(filters, page=1),
                         errors=tuple(sorted(errors.items())), choices=tuple(choices.items())),
    )


@bp.route("/badge")
@for_the_office
def badge():
    """The navigation badge: new and urgent reports in the user's villages (polled by htmx)."""
    return render_template("review/_badge.html", counts=review_queue.badge_counts(current_user))


@bp.route("/<int:report_id>")
@for_the_office
def detail(report_id):
    """Everything about one report, its timeline, and the actions the workflow allows now."""
    return render_report(load_report(report_id))


def load_report(report_id):
    """The report with everything the detail page shows, loaded in a fixed number of queries."""
    return visible_or_404(db.session.execute(
        DETAIL_REPORT, {"report_id": report_id}).unique().scalar_one_or_none())


def reload_report(report_id):
    """The report as the database has it now, after a commit or a conflict."""
    return db.session.get(Report, report_id, options=DETAIL_OPTIONS, populate_existing=True)


def render_report(report, status=200, forms=None, **workspace):
    """The detail page, or for htmx only its workspace (status, actions, timeline)."""
    moves = workflow.allowed_moves(report.status, workflow.OFFICE)
    officers = report.village.officers
    context = {
        "report": report,
        "seen": report.events[-1].id if report.events else 0,
        "timeline_items": timeline_items(report.events),
        "simple_moves": [to for to in moves if to not in workflow.MOVES_WITH_FORMS],
        "can_ask": workflow.Status.NEEDS_INFO in moves,
        "can_close": workflow.Status.CLOSED in moves,
        "can_claim": visibility.may_claim(current_user, report.assignee, officers),
        "officers": visibility.active_officers(officers),
        "outcomes": [(outcome.value, label("outcome", outcome), reply_template(outcome))
                     for outcome in Outcome],
        "forms": blank_forms() | (forms or {}),
        "conflict": None,
        "problem": None,
        "notice": None,
        # Only the whole page shows them; for htmx they are never worked out.
        "related": lambda: related_reports(report, current_user),
        "duplicates": lambda: duplicates_of(report, current_user),
        "person_links": lambda: person_records.report_persons(report, current_user),
    }
    context.update(workspace)
    return render("review/detail.html", status, **context)
