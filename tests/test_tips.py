"""Residents' tips without an account: the form, the tracking code and PIN, anonymity, abuse
guards, and the status look-up that shows the status and the reporter's messages, nothing else."""

import re
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from domain import EventKind
from domain import Source
from domain import Status
from domain import workflow
from extensions import db
from models import Event
from models import Report
from models import Village
from tests.factories import user
from tests.factories import village
from tests.report_helpers import a_photo
from tests.report_helpers import counts
from tests.report_helpers import page_of
from tests.report_helpers import post_form
from tests.report_helpers import tip_data


@pytest.fixture
def kasu(app):
    with app.app_context():
        return village("Kasu").id


def send_tip(client, village_id, photos=(), **changes):
    """Send a tip; return the confirmation page's code and PIN."""
    response = post_form(client, "/tips/new", tip_data(village_id, **changes), photos)
    assert response.status_code == 303, response.data.decode()[:2000]
    page = page_of(client.get(response.headers["Location"]))
    return page.select_one("#refcode").get_text(strip=True), page.select_one("#tip-pin").get_text(strip=True)


def test_the_tip_form_is_public_and_has_the_facts_without_account_fields(app, client):
    response = client.get("/tips/new")
    assert response.status_code == 200
    page = page_of(response)
    form = page.select_one("form[data-report-form]")
    names = {element.get("name") for element in form.select("input, select, textarea")}
    assert {"village", "category", "urgency", "observed_at", "address", "description",
            "persons-0-nationality", "photos", "anonymous", "reporter_name", "reporter_phone",
            "client_uuid"} <= names
    with app.app_context():
        villages = [v.name for v in db.session.scalars(select(Village).order_by(Village.name))]
    options = [option.get_text() for option in page.select("#village option") if option["value"]]
    assert options == villages
    # The invisible field that only bots fill.
    honeypot = page.select_one("input[name=homepage]")
    assert honeypot["tabindex"] == "-1" and honeypot.find_parent(class_="hp")["aria-hidden"] == "true"


def test_a_tip_gets_a_tracking_code_and_a_pin_shown_once(app, client, kasu):
    code, pin = send_tip(client, kasu, [a_photo()])
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY2345679]{4}-[ACDEFGHJKMNPQRTUVWXY2345679]{4}", code)
    assert re.fullmatch(r"\d{6}", pin)
    with app.app_context():
        tip = db.session.scalar(select(Report))
        assert (tip.code, tip.source, tip.village.name, tip.reporter) == (code, Source.RESIDENT, "Kasu", None)
        assert (tip.reporter_name, tip.reporter_phone, tip.anonymous) == ("Ibu Sari", "0813 1111 2222", False)
        assert pin not in tip.tip_pin_hash and check_password_hash(tip.tip_pin_hash, pin)
        assert len(tip.photos) == 1 and tip.events[0].kind == EventKind.CREATED
    again = client.get(f"/tips/sent/{code}")
    assert page_of(again).select_one("#tip-pin") is None  # shown once only
    assert again.headers["Cache-Control"] == "no-store"
    text = page_of(client.get(f"/tips/sent/{code}")).select_one("main").get_text(" ")
    assert "3 hari kerja" in text


def test_an_anonymous_tip_keeps_no_name_or_phone(app, client, kasu):
    send_tip(client, kasu, anonymous="y")
    with app.app_context():
        tip = db.session.scalar(select(Report))
        assert (tip.anonymous, tip.reporter_name, tip.reporter_phone) == (True, "", "")


def test_name_and_phone_are_optional(app, client, kasu):
    send_tip(client, kasu, reporter_name="", reporter_phone="")
    with app.app_context():
        assert db.session.scalar(select(Report.anonymous)) is False


def test_a_village_must_be_chosen_from_the_list(app, client):
    with app.app_context():
        inactive = village("Pecong")
        inactive.active = False
        db.session.commit()
        inactive_id = inactive.id
    for value in ("", "9999", "abc", str(inactive_id)):
        response = post_form(client, "/tips/new", tip_data(value))
        assert response.status_code == 422, value
        error = page_of(response).select_one("#village-error").get_text()
        assert "Pilih desa/kelurahan Anda dari daftar" in error
    with app.app_context():
        assert counts()["reports"] == 0


def test_the_same_tip_sent_twice_is_one_tip(app, client, kasu):
    data = tip_data(kasu)
    first = post_form(client, "/tips/new", data)
    second = post_form(client, "/tips/new", data)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert counts()["reports"] == 1


def test_a_bot_filling_the_honeypot_saves_nothing(app, client, kasu):
    response = post_form(client, "/tips/new", tip_data(kasu, homepage="http://spam.example"), [a_photo()])
    assert response.status_code == 303
    with app.app_context():
        assert counts()["reports"] == 0
    from tests.report_helpers import files_in

    assert files_in(app, "pending") == [] and files_in(app, "photos") == []


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, TIP_LIMIT="2 per minute", TIP_STATUS_LIMIT="3 per minute")


def test_tips_are_rate_limited_per_address(limited, app, client, kasu):
    for _ in range(2):
        assert post_form(client, "/tips/new", tip_data(kasu)).status_code == 303
    refused = post_form(client, "/tips/new", tip_data(kasu))
    assert refused.status_code == 429
    assert "Terlalu banyak" in refused.data.decode()
    other_address = app.test_client()
    response = post_form(other_address, "/tips/new", tip_data(kasu), environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 303
    with app.app_context():
        assert counts()["reports"] == 3


def test_logged_in_users_may_send_tips_too(client, auth, kasu):
    auth.login("petugas")
    send_tip(client, kasu)


# -- the status look-up --


def office_works_on(app, code):
    """An officer reviews the tip: an internal note, a status change, a message to the reporter."""
    with app.app_context():
        tip = db.session.scalar(select(Report).where(Report.code == code))
        officer, now = user("petugas"), datetime.now(UTC)
        workflow.bump(tip, now)
        tip.events.append(Event(kind=EventKind.NOTE, actor=officer, text="Internal: neighbour dispute?",
                                visible_to_reporter=False, created_at=now))
        for to, text in ((Status.IN_REVIEW, ""), (Status.FIELD_CHECK, "We will visit the place this week.")):
            moved = workflow.move(tip, to, workflow.OFFICE, now)
            tip.events.append(Event(actor=officer, text=text, created_at=now, **moved))
        db.session.commit()


def test_status_shows_the_status_and_the_reporter_s_messages_nothing_else(app, client, kasu):
    code, pin = send_tip(client, kasu,
                         description="Three foreigners sleep in the net shed behind the mosque.",
                         **{"persons-0-name": "Secret Name", "persons-0-passport_no": "X9999999"})
    office_works_on(app, code)
    response = client.post("/tips/status", data={"code": code.lower().replace("-", " "), "pin": pin})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = page_of(response)
    main = page.select_one("main").get_text(" ")
    assert "Dicek lapangan" in main
    assert "We will visit the place this week." in main
    hidden = ("Internal: neighbour dispute?", "net shed", "Secret Name", "X9999999",
              "Ibu Sari", "0813", "Kasu")
    for private in hidden:
        assert private not in page.decode(), private
    assert page.select("img") == []


@pytest.mark.parametrize(
    "wrong",
    [{"pin": "000000"}, {"code": "ACDE-FGHJ"}, {"code": "hello"}, {"pin": ""}],
    ids=["wrong-pin", "unknown-code", "malformed-code", "no-pin"],
)
def test_a_wrong_code_or_pin_gets_one_generic_message(app, client, kasu, wrong):
    code, pin = send_tip(client, kasu)
    response = client.post("/tips/status", data={"code": code, "pin": pin, **wrong})
    assert response.status_code == 422
    page = response.data.decode()
    assert "Status:" not in page and code not in page.replace(f'value="{code}"', "")
    if wrong.get("pin") != "":
        assert "Tidak ada laporan yang cocok dengan kode dan PIN ini" in page


def test_an_official_report_cannot_be_looked_up_as_a_tip(app, client):
    from tests.factories import make_report

    with app.app_context():
        code = make_report().code
    response = client.post("/tips/status", data={"code": code, "pin": "123456"})
    assert response.status_code == 422
    assert client.get(f"/tips/sent/{code}").status_code == 404


def test_failed_look_ups_are_rate_limited(limited, app, client, kasu):
    with app.app_context():
        app.config["TIP_LIMIT"] = "100 per minute"
    code, pin = send_tip(client, kasu)
    for _ in range(3):
        assert client.post("/tips/status", data={"code": code, "pin": "111111"}).status_code == 422
    assert client.post("/tips/status", data={"code": code, "pin": pin}).status_code == 429


def test_successful_look_ups_are_not_counted(limited, app, client, kasu):
    code, pin = send_tip(client, kasu)
    for _ in range(5):
        assert client.post("/tips/status", data={"code": code, "pin": pin}).status_code == 200
