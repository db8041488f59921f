"""The audit log: admins only, every action listed with who, when, what; filters by user,
report and date; fragments for htmx."""

import re
from datetime import UTC
from datetime import datetime

import pytest

from domain import EventKind
from extensions import db
from models import Event
from models import Report
from tests import factories
from tests.review_support import HX
from tests.review_support import post_action
from tests.review_support import report_in


def entries(response):
    return re.findall(r'<tr class="audit-entry">(.*?)</tr>', response.data.decode(), re.S)


@pytest.fixture
def history(app, client, auth):
    """Two reports worked on by the demo officer; one old event from last year."""
    auth.sign_in_as("petugas")
    with app.app_context():
        first = report_in("new")
        second = report_in("new", village_name="Pemping")
        old = factories.make_report()
        old.events.append(Event(kind=EventKind.NOTE, actor=factories.user("admin"),
                                text="Old note", visible_to_reporter=False,
                                created_at=datetime(2025, 3, 1, tzinfo=UTC)))
        db.session.commit()
        codes = {"first": db.session.get(Report, first).code, "old": old.code}
    post_action(client, app, first, "move", {"to": "in_review"})
    post_action(client, app, first, "note", {"note-text": "Checked the guest book."})
    post_action(client, app, second, "move", {"to": "in_review"})
    auth.sign_in_as("admin")
    return codes


def test_only_admins_see_the_audit_log(client, auth):
    auth.sign_in_as("petugas")
    assert client.get("/audit/").status_code == 403
    auth.sign_in_as("admin")
    assert client.get("/audit/").status_code == 200


def test_every_action_is_listed_newest_first(client, history):
    rows = entries(client.get("/audit/"))
    assert len(rows) == 7  # 3 created + 3 actions + 1 old note
    assert "Petugas PIMPASA" in rows[0] and "Terkirim → Ditinjau PIMPASA" in rows[0]
    assert "Checked the guest book." in rows[1] and "Hanya kantor" in rows[1]
    assert "Old note" in rows[-1]


def test_filter_by_user_report_and_date(app, client, history):
    with app.app_context():
        petugas = factories.user("petugas").id
        admin = factories.user("admin").id
    assert len(entries(client.get(f"/audit/?user={petugas}"))) == 3
    assert len(entries(client.get(f"/audit/?user={admin}"))) == 1
    typed = history["first"].lower().replace("-", "")
    assert len(entries(client.get(f"/audit/?report={typed}"))) == 3
    assert [("Old note" in row) for row in entries(
        client.get("/audit/?date_from=2025-01-01&date_to=2025-12-31"))] == [True]
    assert len(entries(client.get("/audit/?date_to=2025-12-31"))) == 1


@pytest.mark.parametrize("query", ["user=abc", "user=999", "report=nope", "date_from=2025-13-01",
                                   "page=0"])
def test_bad_filters_get_a_message(client, history, query):
    response = client.get("/audit/?" + query)
    assert response.status_code == 422
    page = response.data.decode()
    assert 'class="field-error"' in page or "flash-error" in page


def test_htmx_gets_the_entries_fragment(client, history):
    response = client.get("/audit/?report=&user=&date_from=2025-01-01", headers=HX)
    page = response.data.decode()
    assert page.startswith('<section id="audit-entries"') and "<html" not in page
    assert response.headers["HX-Push-Url"] == "/audit/?date_from=2025-01-01"
