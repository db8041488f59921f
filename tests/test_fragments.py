"""Kept pieces of pages (web.fragments) are made from their arguments alone: they cannot reach
the request, the session or the user, and each role, page and language gets its own."""

import pytest
from jinja2 import ChoiceLoader
from jinja2 import DictLoader
from jinja2 import UndefinedError
from sqlalchemy import select

from extensions import db
from models import User
from tests import factories
from tests.review_support import make_officer
from tests.review_support import post_action
from tests.review_support import queue_rows_by_code
from web.fragments import REQUEST_BOUND
from web.fragments import kept
from web.fragments import kept_each


@pytest.mark.parametrize("name", sorted(REQUEST_BOUND))
def test_a_kept_piece_cannot_reach_the_request(app, name):
    probe = DictLoader({"_probe.html": f"{{{{ {name} }}}}"})
    app.jinja_env.loader = ChoiceLoader([probe, app.jinja_env.loader])
    with app.test_request_context("/"):
        with pytest.raises(UndefinedError):
            kept("_probe.html")


def test_the_arguments_language_and_mount_point_are_the_key(app):
    with app.test_request_context("/"):
        officer = kept("_nav.html", role="officer", endpoint="main.index", blueprint="main")
        assert kept("_nav.html", role="officer", endpoint="main.index", blueprint="main") is officer
        assert "Antrean" in officer or "Review queue" in officer
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert kept("_nav.html", role="officer", endpoint="main.index", blueprint="main") != officer
    with app.test_request_context("/", base_url="http://localhost/desa/"):
        mounted = kept("_nav.html", role="officer", endpoint="main.index", blueprint="main")
        assert 'href="/desa/review/"' in mounted


def test_each_role_sees_its_own_menu(client, auth):
    anonymous = client.get("/").data.decode()
    auth.sign_in_as("petugas")
    officer = client.get("/").data.decode()
    assert 'href="/review/"' in officer and 'href="/review/"' not in anonymous
    assert 'href="/admin/"' not in officer
    auth.sign_in_as("admin")
    assert 'href="/admin/"' in client.get("/").data.decode()


def test_kept_each_renders_each_set_of_arguments_once_in_order(app):
    probe = DictLoader({"_row.html": "<li>{{ n }}</li>"})
    app.jinja_env.loader = ChoiceLoader([probe, app.jinja_env.loader])
    with app.test_request_context("/"):
        first = kept_each("_row.html", [(("n", 1),), (("n", "<2>"),), (("n", 1),)])
        assert first == ["<li>1</li>", "<li>&lt;2&gt;</li>", "<li>1</li>"]
        again = kept_each("_row.html", [(("n", "<2>"),), (("n", 1),)])
        assert again[0] is first[1] and again[1] is first[0]


def kept_pieces(app, template):
    return [key for key in app.extensions["fragments"][1] if key[0] == template]


def test_queue_rows_are_kept_and_a_changed_report_gets_a_new_row(app, client, auth):
    with app.app_context():
        report = factories.make_report()
        report_id, code = report.id, report.code
    auth.sign_in_as("petugas")
    before = queue_rows_by_code(client.get("/review/").data.decode())[code]
    assert "Not assigned" in before or "Belum" in before
    rows = kept_pieces(app, "review/_queue_row.html")
    client.get("/review/")
    assert kept_pieces(app, "review/_queue_row.html") == rows  # nothing rendered again
    with app.app_context():
        petugas = db.session.scalar(select(User.id).where(User.username == "petugas"))
    assert post_action(client, app, report_id, "assign", {"assignee": str(petugas)}).status_code == 303
    after = queue_rows_by_code(client.get("/review/").data.decode())[code]
    assert after != before and "Petugas" in after


def test_a_timeline_event_is_rendered_once_for_every_viewer(app, client, auth):
    with app.app_context():
        report = factories.make_report()
        report_id = report.id
        make_officer("second", ["Tanjung Sari"])
    auth.sign_in_as("petugas")
    page = client.get(f"/review/{report_id}").data.decode()
    events = kept_pieces(app, "review/_event.html")
    assert events and all(app.extensions["fragments"][1][key] in page for key in events)
    auth.sign_in_as("second")
    assert client.get(f"/review/{report_id}").status_code == 200
    assert kept_pieces(app, "review/_event.html") == events
    noted = post_action(client, app, report_id, "note", {"note-text": "Checked the lodging."})
    assert noted.status_code == 303
    page = client.get(f"/review/{report_id}").data.decode()
    assert "Checked the lodging." in page and len(kept_pieces(app, "review/_event.html")) == len(events) + 1
