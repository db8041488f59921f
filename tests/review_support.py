"""Helpers for the review tests: more officers, reports in a given state, posting actions."""

import re
from datetime import UTC
from datetime import datetime

from sqlalchemy import select

from domain import Outcome
from domain import Role
from domain import Status
from extensions import db
from models import Event
from models import Report
from models import User
from services.demo import demo_password_hash
from tests import factories

HX = {"HX-Request": "true"}


def queue_rows_by_code(page):
    """{reference code: the HTML of its row}."""
    return {code: row for row in page.split('<li class="card queue-row')[1:]
            for code in re.findall(r'class="code">([A-Z0-9-]+)<', row)}


def make_officer(username, villages, email=""):
    """An officer of the named villages (call inside an app context)."""
    officer = User(username=username, full_name=f"Officer {username}", role=Role.OFFICER,
                   email=email, villages=[factories.village(name) for name in villages])
    officer.password_hash = demo_password_hash()
    db.session.add(officer)
    db.session.commit()
    return officer


def report_in(status, village_name="Tanjung Sari", **fields):
    """A report already in `status` (closed ones with an outcome); returns its id."""
    if status == Status.CLOSED:
        fields.setdefault("outcome", Outcome.NO_VIOLATION)
    report = factories.make_report(village_name, status=status, **fields)
    return report.id


def reload(app, report_id):
    with app.app_context():
        report = db.session.get(Report, report_id)
        events = list(db.session.scalars(select(Event).where(Event.report_id == report_id)
                                         .order_by(Event.id)))
        db.session.expunge_all()
        return report, events


def version_and_seen(app, report_id):
    report, events = reload(app, report_id)
    return {"version": str(report.version), "seen": str(events[-1].id)}


def post_action(client, app, report_id, action, data, headers=None):
    """POST an action with the report's current version, as the page's form would."""
    return client.post(f"/review/{report_id}/{action}",
                       data={**version_and_seen(app, report_id), **data}, headers=headers or {})


def move_data(to, outcome=Outcome.NO_VIOLATION, original=""):
    """The fields the detail page's form for a move to `to` sends."""
    if to == Status.NEEDS_INFO:
        return {"to": to, "info-text": "Which house are they staying in?"}
    if to == Status.CLOSED:
        return {"to": to, "close-outcome": outcome, "close-message": "Thank you.",
                "close-original": original}
    return {"to": to}


def offered_moves(page):
    """The statuses the detail page offers as moves: buttons, the question form, the close forms."""
    offered = set(re.findall(r'name="to" value="(\w+)"', page))
    return offered


def now():
    return datetime.now(UTC)
