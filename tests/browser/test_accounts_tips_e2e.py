"""Issue 14, point 6 in the system Chromium at 360 px: a resident answers the office's question
from the tip-status page with a photo; an admin's reset shows the temporary password once and its
owner must change it first. Both pages pass axe-core."""

import re
from datetime import UTC
from datetime import datetime

from playwright.sync_api import expect
from sqlalchemy import select

from domain import EventKind
from domain import Status
from extensions import db
from models import Event
from models import Photo
from models import Report
from models import hash_secret
from tests import photo_samples
from tests.browser.conftest import log_in
from tests.browser.conftest import serious_axe_violations
from tests.factories import make_report
from tests.factories import user

PIN = "246810"


def tip_with_a_question(live_app):
    with live_app.app_context():
        tip = make_report(village_name="Kasu", reporter=None, status=Status.NEEDS_INFO,
                          tip_pin_hash=hash_secret(PIN), commit=False)
        tip.events.append(Event(kind=EventKind.INFO_REQUEST, actor=user("petugas"),
                                text="Rumah yang mana, dan sejak kapan?", created_at=datetime.now(UTC),
                                from_status=Status.NEW, to_status=Status.NEEDS_INFO))
        db.session.commit()
        code = tip.code
        db.session.remove()
        return code


def test_a_resident_answers_the_office_with_a_photo_from_the_status_page(page, live_app):
    code = tip_with_a_question(live_app)
    page.goto("/tips/status")
    page.fill("#code", code)
    page.fill("#pin", PIN)
    page.locator("main form button").click()
    question = page.locator("section.question")
    expect(question).to_contain_text("Rumah yang mana, dan sejak kapan?")
    assert serious_axe_violations(page) == []
    page.fill("#text", "Rumah biru di belakang masjid, sejak bulan lalu.")
    page.set_input_files("#photos", files=[{"name": "rumah.jpg", "mimeType": "image/jpeg",
                                            "buffer": photo_samples.jpeg(1600, 1200)}])
    question.locator("button.primary").click()
    expect(page.locator(".flash-success")).to_contain_text("kembali ditinjau")
    expect(page.locator("main .chip").first).to_have_text(re.compile("Ditinjau"))
    expect(page.locator("section.question")).to_have_count(0)
    with live_app.app_context():
        tip = db.session.scalar(select(Report).where(Report.code == code))
        reply = tip.events[-1]
        assert (tip.status, reply.kind, reply.text) == (
            Status.IN_REVIEW, EventKind.REPLY, "Rumah biru di belakang masjid, sejak bulan lalu.")
        assert db.session.scalar(select(Photo.event_id).where(Photo.report_id == tip.id)) == reply.id
        db.session.remove()


def test_a_reset_password_is_shown_once_and_changed_at_the_next_login(browser, live_server, live_app):
    with live_app.app_context():
        desa_id = user("desa").id
        db.session.remove()
    admin = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740},
                                locale="id-ID").new_page()
    log_in(admin, "admin")
    admin.goto(f"/admin/users/{desa_id}")
    admin.locator("form[action$='/password'] button").click()
    temporary = admin.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", temporary)
    assert serious_axe_violations(admin) == []

    official = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740},
                                   locale="id-ID").new_page()
    log_in(official, "desa", temporary)
    expect(official).to_have_url(re.compile(r"/auth/password$"))
    official.goto("/reports/")
    expect(official).to_have_url(re.compile(r"/auth/password$"))
    official.fill("#current", temporary)
    official.fill("#new", "kata-sandi-baru-7")
    official.fill("#confirm", "kata-sandi-baru-7")
    official.locator("main form button").click()
    official.goto("/reports/")
    expect(official).to_have_url(re.compile(r"/reports/$"))
    with live_app.app_context():
        account = user("desa")
        assert not account.must_change_password
        account.set_password("demo12345")  # the other browser tests sign in with the demo password
        db.session.commit()
        db.session.remove()
