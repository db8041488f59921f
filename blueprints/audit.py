"""The audit log for admins (/audit): every event on every report, and (?log=accounts) every
change to accounts and villages, ended session and failed login; filterable by user and date."""

from datetime import date

from flask import Blueprint
from flask import request
from flask import url_for
from sqlalchemy import select

from domain import Role
from extensions import db
from models import User
from services.audit import entries_page
from services.audit import entry_changes
from services.audit import events_page
from services.audit import purge_counts
from web.access import roles
from web.filters import AUDIT_DEFAULTS
from web.filters import audit_filters
from web.htmx import render

bp = Blueprint("audit", __name__, url_prefix="/audit")


def query_args(filters, **changes):
    """URL parameters for the filters (empty ones left out), with `changes` applied."""
    merged = filters | changes
    args = {name: value for name, value in merged.items() if value != AUDIT_DEFAULTS[name]}
    return {name: v.isoformat() if isinstance(v, date) else v for name, v in args.items()}


@bp.route("/")
@roles(Role.ADMIN)
def log():
    """Who did what to which report, or to which account or village, and when."""
    users = list(db.session.scalars(select(User).order_by(User.full_name)))
    filters, errors = audit_filters(request.args, {user.id for user in users})
    page = entries_page if filters["log"] == "accounts" else events_page
    events, has_next = page(filters)
    return render("audit/log.html", 422 if errors else 200,
                  push_url=url_for("audit.log", **query_args(filters)), users=users,
                  filters=filters, errors=errors, events=events, has_next=has_next,
                  query_args=query_args, entry_changes=entry_changes,
                  purge_counts=purge_counts)
