"""The officers' review queue and report detail page (actions: review_actions.py)."""

from dataclasses import replace
from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import make_response
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

import workflow
from access import roles
from blueprints import queue_counts
from blueprints import queue_query
from blueprints._helpers import get_report_or_404
from blueprints._helpers import is_partial
from blueprints._helpers import render_kept
from blueprints.related import duplicates_of
from blueprints.related import related_reports
from blueprints.review_display import duration
from blueprints.review_display import queue_rows
from blueprints.review_display import queue_tabs
from blueprints.review_display import waiting_state
from blueprints.review_forms import blank_forms
from domain import Category
from domain import Outcome
from domain import Role
from domain import Source
from domain import Status
from domain import Urgency
from extensions import db
from labels import label
from lru import LRUCache
from models import Event
from models import Report
from models import Village

bp = Blueprint("review", __name__, url_prefix="/review")
# Macros imported without `with context` see globals only; importing with context builds a new
# module on every render, which costs milliseconds on every queue page.
bp.add_app_template_global(label, "label")
office = roles(Role.OFFICER, Role.ADMIN)
filter_forms = LRUCache(256)

DETAIL_OPTIONS = (
    joinedload(Report.village),
    joinedload(Report.reporter),
    joinedload(Report.assignee),
    joinedload(Report.duplicate_of),
    selectinload(Report.persons),
    selectinload(Report.photos),
    selectinload(Report.events).joinedload(Event.actor),
)


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
    return (url_for("photo_files.photo", photo_id=photo.id),
            url_for("photo_files.thumb", photo_id=photo.id))


def visible_villages():
    """The villages the user may filter by: an officer's own, or all for admins."""
    if current_user.visible_village_ids() is None:
        return list(db.session.scalars(select(Village).order_by(Village.name)))
    return current_user.villages


@bp.route("/")
@office
def queue():
    """The queue: tabs with counts per status, filters, search, order and pages."""
    filters, errors = queue_query.parse_filters(request.args, current_user.visible_village_ids())
    reports, has_next = queue_query.queue_page(current_user, filters)
    context = {
        "filters": filters,
        "errors": errors,
        "rows": queue_rows(reports, datetime.now(UTC)),
        "has_next": has_next,
        "counts": queue_counts.status_counts(current_user, filters),
        "tabs": queue_tabs(filters),
    }
    status = 422 if errors else 200
    if not is_partial():
        form = filter_form(filters, errors)
        return render_template("review/queue.html", filter_form=form, **context), status
    response = make_response(render_template("review/_results.html", **context), status)
    # The address bar shows the canonical URL of what is listed, so it can be shared.
    response.headers["HX-Push-Url"] = url_for("review.queue", **filters.as_args())
    return response


def filter_form(filters, errors):
    """The filter form, as the user last set it: kept per language, filters and villages."""
    filters = replace(filters, page=1)  # the form does not show the page: one entry for all
    villages = visible_villages()
    key = (filters, tuple(sorted(errors.items())),
           tuple((village.id, village.name) for village in villages))
    return render_kept(filter_forms, key, "review/_filters.html", filters=filters,
                       errors=errors, choices=_filter_choices(villages))


def _filter_choices(villages):
    return {
        "village": villages,
        "category": list(Category),
        "urgency": list(Urgency),
        "source": list(Source),
        "assignee": queue_query.ASSIGNEES,
        "sort": queue_query.SORTS,
    }


@bp.route("/badge")
@office
def badge():
    """The navigation badge: new and urgent reports in the user's villages (polled by htmx)."""
    return render_template("review/_badge.html", counts=queue_counts.badge_counts(current_user))


@bp.route("/<int:report_id>")
@office
def detail(report_id):
    """Everything about one report, its timeline, and the actions the workflow allows now."""
    return render_report(load_report(report_id))


def load_report(report_id):
    """The report with everything the detail page shows, loaded in a fixed number of queries."""
    return get_report_or_404(report_id, *DETAIL_OPTIONS)


def render_report(report, status=200, forms=None, **workspace):
    """The detail page, or for htmx only its workspace (status, actions, timeline)."""
    context = workspace_context(report, forms, **workspace)
    if is_partial():
        return render_template("review/_workspace.html", **context), status
    context.update(
        related=related_reports(report, current_user),
        duplicates=duplicates_of(report, current_user),
    )
    return render_template("review/detail.html", **context), status


def workspace_context(report, forms=None, **extra):
    """What the workspace partial needs: allowed moves, officers to assign, the forms."""
    moves = workflow.allowed_moves(report.status, workflow.OFFICE)
    context = {
        "report": report,
        "seen": report.events[-1].id if report.events else 0,
        "simple_moves": [to for to in moves if to not in (Status.NEEDS_INFO, Status.CLOSED)],
        "can_ask": Status.NEEDS_INFO in moves,
        "can_close": Status.CLOSED in moves,
        "officers": assignable_officers(report),
        "outcomes": list(Outcome),
        "forms": blank_forms() | (forms or {}),
        "conflict": None,
        "problem": None,
        "notice": None,
    }
    context.update(extra)
    return context


def assignable_officers(report):
    """Active officers of the report's village: the people it may be assigned to."""
    return [officer for officer in report.village.officers if officer.active]
