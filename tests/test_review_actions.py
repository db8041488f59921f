"""The detail page's actions over HTTP: the whole workflow table, assignment, notes, questions,
closing with an outcome, lost updates, other villages, fragments versus pages, the audit trail."""

import re
from html.parser import HTMLParser
from itertools import product

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy import update

from domain import EventKind
from domain import Outcome
from domain import Status
from domain import workflow
from extensions import db
from models import AppendOnlyError
from models import Event
from models import Report
from tests import factories
from tests.review_support import HX
from tests.review_support import make_officer
from tests.review_support import move_data
from tests.review_support import offered_moves
from tests.review_support import post_action
from tests.review_support import reload
from tests.review_support import report_in
from web.labels import reply_template

PAIRS = list(product(Status, Status))


@pytest.mark.parametrize(("current", "to"), PAIRS)
def test_every_move_of_the_table_through_the_page(app, client, officer, current, to):
    """Allowed moves work through the page's own form; every other one is refused, clearly."""
    with app.app_context():
        report_id = report_in(current)
        original = factories.make_report().code
    allowed = workflow.OFFICE in workflow.TRANSITIONS.get((current, to), set())
    page = client.get(f"/review/{report_id}").data.decode()
    assert offered_moves(page) == set(workflow.allowed_moves(current, workflow.OFFICE))

    outcome = Outcome.DUPLICATE if to == Status.CLOSED else Outcome.NO_VIOLATION
    response = post_action(client, app, report_id, "move", move_data(to, outcome, original))
    report, events = reload(app, report_id)
    if allowed:
        assert response.status_code == 303
        assert report.status == to and report.version == 2
        assert (events[-1].from_status, events[-1].to_status) == (current, to)
        assert events[-1].actor_id is not None
    else:
        assert response.status_code == 422
        assert report.status == current and report.version == 1 and len(events) == 1
        assert "tidak dapat dipindahkan" in response.data.decode()


def test_refusal_names_both_statuses_in_english(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
    client.set_cookie("lang", "en")
    response = post_action(client, app, report_id, "move", {"to": "forwarded"})
    assert response.status_code == 422
    assert "A report that is “Sent” cannot be moved to “Forwarded to Inteldakim/TIMPORA”" in (
        response.data.decode())


def test_unknown_status_is_refused(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
    response = post_action(client, app, report_id, "move", {"to": "approved"})
    assert response.status_code == 422
    assert reload(app, report_id)[0].status == Status.NEW


def test_claim_assign_and_unassign(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
        colleague = make_officer("rekan", ["Tanjung Sari"]).id
        petugas = factories.user("petugas").id
    assert post_action(client, app, report_id, "assign", {"assignee": petugas}).status_code == 303
    assert reload(app, report_id)[0].assignee_id == petugas
    assert post_action(client, app, report_id, "assign", {"assignee": colleague}).status_code == 303
    report, events = reload(app, report_id)
    assert report.assignee_id == colleague and events[-1].text == "Officer rekan"
    assert post_action(client, app, report_id, "assign", {"assignee": ""}).status_code == 303
    report, events = reload(app, report_id)
    assert report.assignee_id is None
    assert [e.kind for e in events[1:]] == [EventKind.ASSIGNED] * 3
    assert not any(e.visible_to_reporter for e in events[1:])


def test_only_officers_of_the_village_can_be_assigned(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
        elsewhere = make_officer("jauh", ["Kasu"]).id
        admin = factories.user("admin").id
    for candidate in (elsewhere, admin, "abc"):
        response = post_action(client, app, report_id, "assign", {"assignee": candidate})
        assert response.status_code == 422
        assert "Pilih petugas" in response.data.decode()
    assert reload(app, report_id)[0].assignee_id is None


def test_admin_may_claim_any_report(app, client, auth):
    auth.sign_in_as("admin")
    with app.app_context():
        report_id = report_in(Status.NEW, village_name="Kasu")
        admin = factories.user("admin").id
    assert post_action(client, app, report_id, "assign", {"assignee": admin}).status_code == 303
    assert reload(app, report_id)[0].assignee_id == admin


def test_info_request_is_visible_to_the_reporter(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "move", move_data(Status.NEEDS_INFO))
    assert response.status_code == 303
    report, events = reload(app, report_id)
    assert report.status == Status.NEEDS_INFO
    assert events[-1].kind == EventKind.INFO_REQUEST
    assert events[-1].visible_to_reporter and events[-1].text == "Which house are they staying in?"


def test_info_request_needs_a_question(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "move", {"to": "needs_info", "info-text": " "})
    assert response.status_code == 422
    assert "Harap isi kolom ini" in response.data.decode()
    assert reload(app, report_id)[0].status == Status.IN_REVIEW


def test_note_stays_inside_the_office(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    note = {"note-text": "Landlord is cooperative."}
    response = post_action(client, app, report_id, "note", note)
    assert response.status_code == 303
    report, events = reload(app, report_id)
    assert report.status == Status.IN_REVIEW and report.version == 2
    assert events[-1].kind == EventKind.NOTE and not events[-1].visible_to_reporter
    assert "Landlord is cooperative." in client.get(f"/review/{report_id}").data.decode()


def test_note_too_long_is_refused(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "note", {"note-text": "x" * 2001})
    assert response.status_code == 422
    assert "Paling banyak 2000 karakter" in response.data.decode()


@pytest.mark.parametrize("outcome", [o for o in Outcome if o != Outcome.DUPLICATE])
def test_close_form_offers_the_translated_template(app, client, officer, outcome):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    page = client.get(f"/review/{report_id}").data.decode()
    with app.test_request_context(headers={"Accept-Language": "id"}):
        template = reply_template(outcome)
    assert template in page
    response = post_action(client, app, report_id, "move", {
        "to": "closed", "close-outcome": outcome, "close-message": template + " Salam."})
    assert response.status_code == 303
    report, events = reload(app, report_id)
    assert report.status == Status.CLOSED and report.outcome == outcome
    assert events[-1].text.endswith("Salam.") and events[-1].visible_to_reporter


def test_one_close_form_with_the_outcome_as_a_choice(app, client, officer):
    """Six outcomes, one form: a radio per outcome, one message, the original's code once."""
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    page = client.get(f"/review/{report_id}").data.decode()
    assert page.count('<form class="close stack"') == 1
    assert page.count('value="closed"') == 1
    assert len(re.findall(r'type="radio"[^>]*name="close-outcome"|name="close-outcome"[^>]*type="radio"',
                          page)) == len(Outcome)
    assert page.count('name="close-message"') == 1 and page.count('name="close-original"') == 1


def test_an_empty_message_sends_the_outcomes_standard_text(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "move", {
        "to": "closed", "close-outcome": "not_found", "close-message": "  "})
    assert response.status_code == 303
    with app.test_request_context(headers={"Accept-Language": "id"}):
        template = reply_template(Outcome.NOT_FOUND)
    report, events = reload(app, report_id)
    assert report.outcome == Outcome.NOT_FOUND and events[-1].text == template


@pytest.mark.parametrize("sent", [{}, {"close-outcome": "solved"}, {"close-outcome": ""}])
def test_close_needs_a_known_outcome(app, client, officer, sent):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "move",
                           {"to": "closed", "close-message": "Terima kasih.", **sent})
    assert response.status_code == 422
    page = response.data.decode()
    assert "Laporan tidak diselesaikan" in page
    error = page.split('id="close-outcome-error"')[1]
    assert "Pilih" in error.split("</p>")[0]
    assert "Terima kasih." in page  # the officer's text is kept
    assert reload(app, report_id)[0].status == Status.IN_REVIEW


def test_close_refuses_a_message_too_long(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "move", {
        "to": "closed", "close-outcome": "not_found", "close-message": "x" * 2001})
    assert response.status_code == 422 and "Paling banyak 2000 karakter" in response.data.decode()
    assert reload(app, report_id)[0].status == Status.IN_REVIEW


def test_the_original_is_asked_of_a_duplicate_only(app, client, officer):
    """A code typed in the original's field, then another outcome chosen: the code is ignored."""
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    response = post_action(client, app, report_id, "move", {
        "to": "closed", "close-outcome": "invalid", "close-message": "", "close-original": "nonsense"})
    assert response.status_code == 303
    report, _events = reload(app, report_id)
    assert report.outcome == Outcome.INVALID and report.duplicate_of_id is None


def test_duplicate_links_both_reports(app, client, officer):
    with app.app_context():
        original = factories.make_report(village_name="Pemping")
        original_id, code = original.id, original.code
        report_id = report_in(Status.IN_REVIEW)
    typed = code.replace("-", " ").lower()  # as an officer might type it
    response = post_action(client, app, report_id, "move", move_data(
        Status.CLOSED, Outcome.DUPLICATE, typed))
    assert response.status_code == 303
    report, _events = reload(app, report_id)
    assert report.duplicate_of_id == original_id
    own_code = report.code
    assert code in client.get(f"/review/{report_id}").data.decode()
    assert own_code in client.get(f"/review/{original_id}").data.decode()


@pytest.mark.parametrize("problem", ["missing", "self", "invisible", "chain"])
def test_duplicate_needs_a_proper_original(app, client, officer, problem):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
        own = db.session.get(Report, report_id).code
        hidden = factories.make_report(village_name="Kasu").code
        first = factories.make_report()
        chained = factories.make_report(status=Status.CLOSED, outcome=Outcome.DUPLICATE,
                                        duplicate_of_id=first.id).code
    typed = {"missing": "", "self": own, "invisible": hidden, "chain": chained}[problem]
    response = post_action(client, app, report_id, "move", move_data(
        Status.CLOSED, Outcome.DUPLICATE, typed))
    assert response.status_code == 422
    assert 'id="close-original-error"' in response.data.decode()
    assert reload(app, report_id)[0].status == Status.IN_REVIEW


def test_stale_form_gets_what_changed_instead_of_overwriting(app, auth):
    """Two officers open the same report; the first closes it, the second's move is refused."""
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
        make_officer("rekan", ["Tanjung Sari"])
    first, second = app.test_client(), app.test_client()
    for client, name in ((first, "petugas"), (second, "rekan")):
        with client.session_transaction() as session:
            with app.app_context():
                session["_user_id"] = factories.user(name).get_id()
    both_saw = {"version": "1", "seen": str(reload(app, report_id)[1][-1].id)}
    closed = first.post(f"/review/{report_id}/move", data={**both_saw, **move_data(Status.CLOSED)})
    assert closed.status_code == 303
    late = second.post(f"/review/{report_id}/move", headers=HX,
                       data={**both_saw, **move_data(Status.FIELD_CHECK)})
    assert late.status_code == 409
    page = late.data.decode()
    assert "Laporan ini berubah" in page
    assert "Ditinjau PIMPASA → Selesai" in page.split('class="flash flash-warning conflict"')[1]
    report, events = reload(app, report_id)
    assert report.status == Status.CLOSED and report.version == 2 and len(events) == 2


def test_stale_note_keeps_the_text(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    stale = {"version": "1", "seen": "0"}
    post_action(client, app, report_id, "note", {"note-text": "first"})
    response = client.post(f"/review/{report_id}/note",
                           data={**stale, "note-text": "my careful note"})
    assert response.status_code == 409
    assert "my careful note" in response.data.decode()
    assert len(reload(app, report_id)[1]) == 2


def test_a_change_landing_between_read_and_write_is_caught(app, client, officer):
    """The UPDATE itself is conditional on the version: a concurrent commit makes it fail."""
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
        engine = db.engine
    form = {"version": "1", "seen": "0", **move_data(Status.FIELD_CHECK)}

    interleaved = []

    def another_officer_commits_first(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE REPORTS") and not interleaved:
            interleaved.append(statement)
            with engine.connect() as other:
                other.execute(update(Report).where(Report.id == report_id)
                              .values(status=Status.FORWARDED, version=2))
                other.commit()

    sa_event.listen(engine, "before_cursor_execute", another_officer_commits_first)
    try:
        response = client.post(f"/review/{report_id}/move", data=form, headers=HX)
    finally:
        sa_event.remove(engine, "before_cursor_execute", another_officer_commits_first)
    assert interleaved
    assert response.status_code == 409
    assert "Laporan ini berubah" in response.data.decode()
    report, events = reload(app, report_id)
    assert report.status == Status.FORWARDED and len(events) == 1


def test_missing_version_is_a_bad_request(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
    response = client.post(f"/review/{report_id}/move", data={"to": "in_review"})
    assert response.status_code == 400
    assert reload(app, report_id)[0].status == Status.NEW


def test_htmx_actions_get_the_workspace_and_plain_forms_a_redirect(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
    response = post_action(client, app, report_id, "move", {"to": "in_review"}, headers=HX)
    assert response.status_code == 200
    page = response.data.decode()
    assert page.startswith('<section id="report-workspace"') and "<html" not in page
    assert "Status diubah" in page
    plain = post_action(client, app, report_id, "note", {"note-text": "ok"})
    assert plain.status_code == 303 and plain.headers["Location"] == f"/review/{report_id}"
    refused = post_action(client, app, report_id, "move", {"to": "new"})
    assert refused.status_code == 422 and "<html" in refused.data.decode()


def test_every_action_writes_one_event_with_who_what_and_statuses(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
        petugas = factories.user("petugas").id
    steps = [
        ("assign", {"assignee": petugas}, EventKind.ASSIGNED, None, None),
        ("move", {"to": "in_review"}, EventKind.STATUS, Status.NEW, Status.IN_REVIEW),
        ("note", {"note-text": "n"}, EventKind.NOTE, None, None),
        ("move", move_data(Status.NEEDS_INFO), EventKind.INFO_REQUEST, Status.IN_REVIEW,
         Status.NEEDS_INFO),
        ("move", move_data(Status.CLOSED), EventKind.STATUS, Status.NEEDS_INFO, Status.CLOSED),
    ]
    for number, (action, data, kind, from_status, to_status) in enumerate(steps, start=2):
        assert post_action(client, app, report_id, action, data).status_code == 303
        _report, events = reload(app, report_id)
        assert len(events) == number
        last = events[-1]
        assert (last.kind, last.from_status, last.to_status) == (kind, from_status, to_status)
        assert last.actor_id == petugas and last.created_at is not None


def test_events_cannot_be_edited_or_deleted(app):
    with app.app_context():
        report_id = report_in(Status.NEW)
        created = db.session.scalar(select(Event).where(Event.report_id == report_id))
        created.text = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AppendOnlyError):
            db.session.delete(db.session.get(Event, created.id))
            db.session.commit()


class FormReader(HTMLParser):
    """The fields of one form of a page, as a browser without script would send them."""

    def __init__(self, html, form_class):
        super().__init__()
        self.form_class, self.inside, self.action, self.fields = form_class, False, None, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_class in attrs.get("class", "").split():
            self.inside, self.action = True, attrs["action"]
        elif self.inside and tag == "input" and attrs.get("type") in ("hidden", "text"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif self.inside and tag == "textarea":
            self.fields[attrs["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def test_the_closing_form_works_as_a_plain_form(app, client, officer, monkeypatch):
    """Without script: the form as the page has it (its CSRF token checked), an outcome chosen,
    the message left empty; a 303 back to the page, which shows the report closed."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    form = FormReader(client.get(f"/review/{report_id}").data.decode(), "close")
    assert form.action == f"/review/{report_id}/move"
    assert {"csrf_token", "version", "seen", "to", "close-message", "close-original"} <= set(form.fields)
    response = client.post(form.action, data={**form.fields, "close-outcome": "not_our_authority"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).data.decode()
    assert "Selesai: Bukan wewenang imigrasi." in page
    assert 'current-status">Selesai<' in page
    report, events = reload(app, report_id)
    assert report.outcome == Outcome.NOT_OUR_AUTHORITY
    assert events[-1].text.startswith("Terima kasih atas laporan Anda. Hal ini di luar wewenang")


def test_a_stale_closing_keeps_the_chosen_outcome_and_text(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.IN_REVIEW)
    seen = reload(app, report_id)[1][-1].id
    response = client.post(f"/review/{report_id}/move", headers=HX, data={
        "version": "0", "seen": str(seen), "to": "closed", "close-outcome": "not_found",
        "close-message": "Kami sudah mencari dua kali."})
    assert response.status_code == 409
    page = response.data.decode()
    assert "Kami sudah mencari dua kali." in page
    assert re.search(r'value="not_found"[^>]*checked', page)
    assert reload(app, report_id)[0].status == Status.IN_REVIEW
