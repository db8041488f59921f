"""The nil check-in in the real browser (issue 14, point 1): tapped without signal it waits in the
phone's outbox, and goes out once when the signal returns; with signal htmx swaps the card."""

import time

from playwright.sync_api import expect
from sqlalchemy import delete
from sqlalchemy import select

from domain import Role
from extensions import db
from models import NilCheckin
from models import User
from services.demo import demo_password_hash
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.offline import badge
from tests.browser.offline import outbox_items
from tests.browser.offline import wait_for_worker

BUTTON = "#nil-checkin button"


def official_of(app, village_name, username):
    """A fresh official of a village with no check-in (its earlier ones removed): the live
    database is shared by the run, and other tests file reports for the demo official's village."""
    with app.app_context():
        village = factories.village(village_name)
        db.session.execute(delete(NilCheckin).where(NilCheckin.village_id == village.id))
        if factories.user(username) is None:
            official = User(username=username, full_name=f"Perangkat {village_name}", role=Role.OFFICIAL,
                            village=village)
            official.password_hash = demo_password_hash()
            db.session.add(official)
        db.session.commit()
        village_id = village.id
        db.session.remove()
    return village_id


def checkins_of(app, village_id, expected=None, seconds=20):
    """The village's check-ins (their user names); waits up to `seconds` for `expected`."""
    deadline = time.monotonic() + seconds
    while True:
        with app.app_context():
            found = db.session.scalars(
                select(User.username).join(NilCheckin, NilCheckin.user_id == User.id)
                .where(NilCheckin.village_id == village_id)).all()
            db.session.remove()
        if expected is None or found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_check_in_tapped_offline_waits_and_is_sent_once_online(offline_context, live_app):
    village_id = official_of(live_app, "Pulau Terong", "perangkat-terong")
    page = offline_context.new_page()
    log_in(page, "perangkat-terong")
    page.goto("/")
    wait_for_worker(page)
    expect(page.locator(BUTTON)).to_be_visible()

    offline_context.set_offline(True)
    page.locator(BUTTON).click()
    expect(badge(page)).to_be_visible()
    items = outbox_items(page)
    assert [item["url"] for item in items] == ["/checkins/nil"]
    assert items[0]["title"] == "Tidak ada orang asing terlihat bulan ini"
    assert checkins_of(live_app, village_id) == []

    offline_context.set_offline(False)  # the page's `online` listener sends the outbox
    assert checkins_of(live_app, village_id, ["perangkat-terong"]) == ["perangkat-terong"]
    expect(badge(page)).to_be_hidden()
    assert outbox_items(page) == []
    page.goto("/")
    expect(page.locator("#nil-checkin")).to_contain_text("Sudah dikonfirmasi")
    expect(page.locator(BUTTON)).to_have_count(0)
    assert checkins_of(live_app, village_id) == ["perangkat-terong"]


def test_with_signal_one_tap_swaps_the_card(offline_context, live_app):
    village_id = official_of(live_app, "Pecong", "perangkat-pecong")
    page = offline_context.new_page()
    log_in(page, "perangkat-pecong")
    page.goto("/")
    page.locator(BUTTON).click()
    expect(page.locator("#nil-checkin")).to_contain_text("Sudah dikonfirmasi")
    assert page.url.endswith("/")  # swapped in place, no new page
    assert checkins_of(live_app, village_id) == ["perangkat-pecong"]
    assert outbox_items(page) == []
