"""Issue 14, point 6: a resident answers the office's question from the tip-status page with the
tip's code and PIN (text and photos), and the tip goes back to review as after an official's answer."""

from datetime import UTC
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from domain import EventKind
from domain import Status
from domain import workflow
from extensions import db
from models import Event
from models import Photo
from models import Report
from tests.factories import make_report
from tests.factories import user
from tests.report_helpers import a_photo
from tests.report_helpers import counts
from tests.report_helpers import page_of
from tests.report_helpers import post_form
from tests.test_tips import kasu  # noqa: F401 - the fixture
from tests.test_tips import limited  # noqa: F401 - the fixture
from tests.test_tips import send_tip

QUESTION = "Which house is it exactly, and since when?"


def office_asks(app, code, to=Status.NEEDS_INFO):
    """An officer of the village moves the tip (by default: asks the resident a question)."""
    with app.app_context():
        tip = db.session.scalar(select(Report).where(Report.code == code))
        now = datetime.now(UTC)
        moved = workflow.move(tip, to, workflow.OFFICE, now)
        tip.events.append(Event(actor=user("petugas"), text=QUESTION if to == Status.NEEDS_INFO else "",
                                created_at=now, **moved))
        db.session.commit()
        return tip.version


def tip_state(app, code):
    with app.app_context():
        tip = db.session.scalar(select(Report).where(Report.code == code))
        return tip.status, [(e.kind, e.actor_id, e.from_status, e.to_status, e.text) for e in tip.events]


def answer(client, code, pin, version, text="The blue house behind the mosque, since last month.",
           photos=()):
    return post_form(client, "/tips/answer", {"code": code, "pin": pin, "version": str(version),
                                              "text": text}, photos)


def test_the_status_page_offers_the_answer_form_while_the_office_waits(app, client, kasu):  # noqa: F811
    code, pin = send_tip(client, kasu)
    page = page_of(client.post("/tips/status", data={"code": code, "pin": pin}))
    assert page.select_one('form[action="/tips/answer"]') is None  # nothing asked yet
    office_asks(app, code)
    response = client.post("/tips/status", data={"code": code, "pin": pin})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = page_of(response)
    form = page.select_one('form[action="/tips/answer"]')
    assert form is not None and form.get("enctype") == "multipart/form-data"
    assert QUESTION in page.select_one(".question").get_text()
    assert form.select_one('input[name="code"]')["value"] == code
    assert form.select_one('input[type="file"][name="photos"]') is not None


def test_an_answer_with_a_photo_puts_the_tip_back_in_review_like_an_officials(app, client, kasu):  # noqa: F811
    code, pin = send_tip(client, kasu)
    version = office_asks(app, code)
    response = answer(client, code, pin, version, photos=[a_photo()])
    assert response.status_code == 200, response.data.decode()[:3000]
    assert page_of(response).select_one('form[action="/tips/answer"]') is None
    status, events = tip_state(app, code)
    assert status == Status.IN_REVIEW
    kind, actor, from_status, to_status, text = events[-1]
    # What an official's answer writes: the same workflow move, one reply event.
    assert (kind, from_status, to_status) == (EventKind.REPLY, Status.NEEDS_INFO, Status.IN_REVIEW)
    assert actor is None and text.startswith("The blue house")
    with app.app_context():
        reply = db.session.scalar(select(Event).where(Event.kind == EventKind.REPLY))
        [photo] = db.session.scalars(select(Photo).where(Photo.report_id == reply.report_id)).all()
        assert photo.event_id == reply.id
        store = Path(app.config["UPLOAD_DIR"]) / "photos"
        assert (store / photo.stored_name).is_file() and (store / photo.thumb_name).is_file()
        tip = db.session.get(Report, reply.report_id)
        assert tip.version == version + 1
    # The office finds it back under review with the answer on its page.
    client.post("/auth/login", data={"username": "admin", "password": "demo12345"})
    with app.app_context():
        tip_id = db.session.scalar(select(Report.id).where(Report.code == code))
    detail = client.get(f"/review/{tip_id}").data.decode()
    assert "The blue house behind the mosque" in detail
    assert code in client.get("/review/?status=in_review").data.decode()


def test_a_wrong_pin_is_refused_and_changes_nothing(app, client, kasu):  # noqa: F811
    code, pin = send_tip(client, kasu)
    version = office_asks(app, code)
    wrong = "000000" if pin != "000000" else "111111"
    before = tip_state(app, code)
    response = answer(client, code, wrong, version, photos=[a_photo()])
    assert response.status_code == 422
    assert page_of(response).select_one('form[action="/tips/answer"]') is None
    assert tip_state(app, code) == before
    with app.app_context():
        assert counts()["photos"] == 0


def test_a_tip_not_waiting_for_an_answer_refuses_it(app, client, kasu):  # noqa: F811
    code, pin = send_tip(client, kasu)
    before = tip_state(app, code)
    with app.app_context():
        version = db.session.scalar(select(Report.version).where(Report.code == code))
    response = answer(client, code, pin, version)
    assert response.status_code == 409
    assert tip_state(app, code) == before
    office_asks(app, code)
    version = office_asks(app, code, Status.IN_REVIEW)  # the office moved on without the answer
    assert answer(client, code, pin, version).status_code == 409


def test_an_answer_to_an_older_question_is_refused_with_the_latest(app, client, kasu):  # noqa: F811
    code, pin = send_tip(client, kasu)
    version = office_asks(app, code)
    with app.app_context():
        tip = db.session.scalar(select(Report).where(Report.code == code))
        workflow.bump(tip, datetime.now(UTC))  # the office changed it meanwhile
        db.session.commit()
    response = answer(client, code, pin, version)
    assert response.status_code == 409
    assert tip_state(app, code)[0] == Status.NEEDS_INFO


def test_a_too_short_answer_is_refused_with_its_message(app, client, kasu):  # noqa: F811
    code, pin = send_tip(client, kasu)
    version = office_asks(app, code)
    response = answer(client, code, pin, version, text="ok")
    assert response.status_code == 422
    assert page_of(response).select_one("#error-summary") is not None
    assert tip_state(app, code)[0] == Status.NEEDS_INFO


def test_an_officials_report_cannot_be_answered_as_a_tip(app, client):
    with app.app_context():
        report = make_report(status=Status.NEEDS_INFO)
        code, version = report.code, report.version
    assert answer(client, code, "123456", version).status_code == 422


def test_officials_are_not_offered_residents_questions(app, client, official, kasu):  # noqa: F811
    with app.app_context():
        tip = make_report(village_name=user("desa").village.name, reporter=None, status=Status.NEEDS_INFO)
        tip_id = tip.id
        assert not workflow.reporter_may_answer(tip)
        assert workflow.reporter_may_answer(tip, tip.source)
    page = client.get(f"/reports/{tip_id}")
    assert page.status_code == 200 and page_of(page).select_one(".question form") is None
    refused = client.post(f"/reports/{tip_id}/reply", data={"text": "answering for them"})
    assert refused.status_code == 303
    with app.app_context():
        assert db.session.get(Report, tip_id).status == Status.NEEDS_INFO


def test_wrong_pins_on_the_answer_count_with_the_look_ups(limited, app, client, kasu):  # noqa: F811
    app.config["TIP_LIMIT"] = "100 per minute"
    code, pin = send_tip(client, kasu)
    version = office_asks(app, code)
    assert client.post("/tips/status", data={"code": code, "pin": "999999x"}).status_code == 422
    for _ in range(2):
        assert answer(client, code, "999999x", version).status_code == 422
    assert answer(client, code, pin, version).status_code == 429
    assert client.post("/tips/status", data={"code": code, "pin": pin}).status_code == 429
