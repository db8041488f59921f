"""The audit log for admins: every event on every report, filterable by user, report and date.
Events are only ever added (models.Event refuses edits and deletes); this page only reads."""

from datetime import date
from datetime import timedelta

from flask import Blueprint
from flask import make_response
from flask import request
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

import refcodes
from access import roles
from blueprints._helpers import is_partial
from blueprints._helpers import render
from blueprints.queue_query import jakarta_midnight_utc
from domain import Role
from extensions import db
from i18n import gettext as _
from models import Event
from models import Report
from models import User

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50
MAX_PAGE = 10_000


DEFAULTS = {"user": None, "report": "", "date_from": None, "date_to": None, "page": 1}


def parse_filters(args, user_ids):
    """The log's filters from the address bar; bad values are dropped with a message each."""
    filters = dict(DEFAULTS)
    errors = {}
    user = args.get("user", "").strip()
    if user:
        if user.isdigit() and int(user) in user_ids:
            filters["user"] = int(user)
        else:
            errors["user"] = _("Choose a user from the list.")
    report = args.get("report", "").strip()
    if report:
        filters["report"] = refcodes.normalize(report) or ""
        if not filters["report"]:
            errors["report"] = _("Enter a reference code like KX7M-3QFA.")
    for name in ("date_from", "date_to"):
        raw = args.get(name, "").strip()
        if raw:
            try:
                filters[name] = date.fromisoformat(raw)
            except ValueError:
                errors[name] = _("Enter a date like 2026-11-28.")
    page = args.get("page", "").strip()
    if page:
        if page.isdigit() and 1 <= int(page) <= MAX_PAGE:
            filters["page"] = int(page)
        else:
            errors["page"] = _("Enter a number from 1 to %(high)s.", high=MAX_PAGE)
    return filters, errors


def query_args(filters, **changes):
    """URL parameters for the filters (empty ones left out), with `changes` applied."""
    merged = filters | changes
    args = {name: value for name, value in merged.items() if value != DEFAULTS[name]}
    return {name: v.isoformat() if isinstance(v, date) else v for name, v in args.items()}


def _events(filters):
    """One page of events, newest first, with their actors and reports; and whether more follow."""
    statement = select(Event).options(joinedload(Event.actor), joinedload(Event.report))
    if filters["user"]:
        statement = statement.where(Event.actor_id == filters["user"])
    if filters["report"]:
        statement = statement.join(Report).where(Report.code == filters["report"])
    if filters["date_from"]:
        statement = statement.where(Event.created_at >= jakarta_midnight_utc(filters["date_from"]))
    if filters["date_to"]:
        end = jakarta_midnight_utc(filters["date_to"] + timedelta(days=1))
        statement = statement.where(Event.created_at < end)
    statement = (
        statement.order_by(Event.created_at.desc(), Event.id.desc())
        .limit(PER_PAGE + 1)
        .offset((filters["page"] - 1) * PER_PAGE)
    )
    events = list(db.session.scalars(statement))
    return events[:PER_PAGE], len(events) > PER_PAGE


@bp.route("/")
@roles(Role.ADMIN)
def log():
    """Who did what to which report, and when."""
    users = list(db.session.scalars(select(User).order_by(User.full_name)))
    filters, errors = parse_filters(request.args, {user.id for user in users})
    events, has_next = _events(filters)
    page = render("audit/log.html", "audit/_entries.html", users=users, filters=filters,
                  errors=errors, events=events, has_next=has_next, query_args=query_args)
    response = make_response(page, 422 if errors else 200)
    if is_partial():
        response.headers["HX-Push-Url"] = url_for("audit.log", **query_args(filters))
    return response
