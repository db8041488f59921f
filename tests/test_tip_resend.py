"""A resident whose first answer was lost and who sends the tip again (the same client UUID, as
the form and the phone's outbox do) is shown the tip's code and a PIN that opens it."""

import re

import pytest
from sqlalchemy import select

from domain import refcodes
from extensions import db
from models import Report
from models import hash_secret
from tests import faults
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


def confirmation(client, response):
    """The code and PIN the confirmation page shows after a send (PIN None when not shown)."""
    assert response.status_code == 303, response.data.decode()[:2000]
    page = page_of(client.get(response.headers["Location"]))
    pin = page.select_one("#tip-pin")
    return page.select_one("#refcode").get_text(strip=True), pin.get_text(strip=True) if pin else None


def look_up(client, code, pin):
    return client.post("/tips/status", data={"code": code, "pin": pin})


def test_a_tip_resent_after_its_answer_was_lost_can_be_looked_up(app, kasu):
    data = tip_data(kasu)
    phone = app.test_client()
    lost = app.test_client()  # what the phone sent first: saved, but the answer never arrived
    post_form(lost, "/tips/new", data, [a_photo()])

    code, pin = confirmation(phone, post_form(phone, "/tips/new", data, [a_photo()]))
    assert re.fullmatch(r"\d{6}", pin)
    with app.app_context():
        assert counts()["reports"] == 1
    status = look_up(app.test_client(), code, pin)  # from anywhere, with what the page showed
    assert status.status_code == 200
    assert code in status.data.decode()


def test_the_resend_shows_the_same_pin_the_first_answer_had(app, client, kasu):
    """If the first answer did arrive after all, the PIN written down from it still works."""
    data = tip_data(kasu)
    first_code, first_pin = confirmation(client, post_form(client, "/tips/new", data))
    phone = app.test_client()
    again_code, again_pin = confirmation(phone, post_form(phone, "/tips/new", data))
    assert (again_code, again_pin) == (first_code, first_pin)
    assert look_up(app.test_client(), first_code, first_pin).status_code == 200


def test_a_tip_whose_commit_answer_was_lost_and_resent_can_be_looked_up(app, kasu, monkeypatch):
    """The database committed but its answer was lost (the connection dropped): the first send is
    answered anyway after looking; the phone, which never got that answer, resends."""
    data = tip_data(kasu)
    with app.app_context():
        faults.lose_commit_answer(monkeypatch)
    post_form(app.test_client(), "/tips/new", data)  # its answer (and cookie) never reach the phone
    monkeypatch.undo()
    phone = app.test_client()
    code, pin = confirmation(phone, post_form(phone, "/tips/new", data))
    assert look_up(app.test_client(), code, pin).status_code == 200


def test_a_resend_from_another_form_gets_no_pin(app, client, kasu):
    """Another client UUID is another tip: nobody learns a PIN by resending someone's facts."""
    data = tip_data(kasu)
    code, pin = confirmation(client, post_form(client, "/tips/new", data))
    other_code, other_pin = confirmation(client, post_form(client, "/tips/new", {**data, "client_uuid": ""}))
    assert other_code != code and other_pin != pin
    with app.app_context():
        assert counts()["reports"] == 2


def test_a_tip_whose_pin_was_not_derived_gets_a_new_pin_on_resend(app, kasu):
    """A tip saved before PINs came from the client UUID (or under another secret key): the
    device that resends it gets a new PIN, and the new PIN opens it."""
    data = tip_data(kasu)
    post_form(app.test_client(), "/tips/new", data)
    with app.app_context():
        tip = db.session.scalar(select(Report))
        tip.tip_pin_hash = hash_secret("424242")
        db.session.commit()
        derived = refcodes.device_pin(app.secret_key, tip.client_uuid)
    phone = app.test_client()
    code, pin = confirmation(phone, post_form(phone, "/tips/new", data))
    assert pin == derived
    assert look_up(app.test_client(), code, pin).status_code == 200
    assert look_up(app.test_client(), code, "424242").status_code == 422


def test_the_pin_depends_on_the_secret_key_and_the_client_uuid():
    uuid = "6f1c8a52-2d7e-4a8b-9c1e-1f2a3b4c5d6e"
    pin = refcodes.device_pin("key", uuid)
    assert re.fullmatch(r"\d{6}", pin) and pin == refcodes.device_pin(b"key", uuid)
    assert pin != refcodes.device_pin("other key", uuid)
    assert pin != refcodes.device_pin("key", "6f1c8a52-2d7e-4a8b-9c1e-1f2a3b4c5d6f")
