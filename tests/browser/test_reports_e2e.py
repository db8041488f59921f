"""Reporting from a phone at 360 x 740 in the system Chromium: the official's report with two
persons, a 12-megapixel photo and the phone's location; a resident's tip and its status look-up;
accessibility of the forms; and the form without JavaScript."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from models import Report
from tests import photo_samples
from tests.browser.conftest import PHONE
from tests.browser.conftest import log_in
from tests.browser.conftest import open_fold
from tests.browser.conftest import serious_axe_violations

CODE = re.compile(r"[ACDEFGHJKMNPQRTUVWXY2345679]{4}-[ACDEFGHJKMNPQRTUVWXY2345679]{4}")
JETTY = {"latitude": 1.1412, "longitude": 103.8967, "accuracy": 15}
SIX_HUNDRED_KB = 600 * 1024


@pytest.fixture(scope="module")
def phone_photo():
    """A 12-megapixel JPEG (4000 x 3000) as a phone camera writes it: about 5.6 MB, with GPS EXIF."""
    data = photo_samples.jpeg(4000, 3000, grain=0.25)
    assert len(data) > 4_000_000
    return data


@pytest.fixture
def phone(browser, live_server):
    """A phone that has allowed this site to read its (fixed) position."""
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, locale="id-ID",
        permissions=["geolocation"], geolocation=JETTY,
    )
    yield context
    context.close()


class UploadSizes(list):
    """The Content-Length of every POST to `path` that reaches the live server meanwhile."""

    def __init__(self, app, path):
        super().__init__()
        self.app, self.path = app, path

    def __enter__(self):
        self.inner = self.app.wsgi_app
        self.app.wsgi_app = self.measure
        return self

    def measure(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == self.path:
            self.append(int(environ.get("CONTENT_LENGTH") or 0))
        return self.inner(environ, start_response)

    def __exit__(self, *_exc):
        self.app.wsgi_app = self.inner


def fits_the_screen(page):
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def fill_facts(page, description):
    """The facts both forms share, typed as a person would."""
    page.check("input[name=category][value=lodging]")
    page.fill("#address", "Homestay Bunga, di belakang dermaga")
    page.fill("#rt_rw", "003/005")
    page.fill("#description", description)
    page.fill("#persons-0-name", "John Tan")
    page.select_option("#persons-0-sex", "male")
    page.fill("#persons-0-nationality", "Singapura")
    open_fold(page, "#person-0 details.fold")
    page.fill("#persons-0-passport_no", "K1234567")


def test_an_official_reports_from_the_phone_and_finds_it_in_the_village_list(phone, phone_photo, live_app):
    page = phone.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    assert fits_the_screen(page)
    assert serious_axe_violations(page) == []

    description = "Dua pria asing menginap seminggu di homestay dan bekerja di kapal ikan (uji e2e)."
    fill_facts(page, description)

    # A second person, added in place by htmx; a third added and removed again in place.
    expect(page.locator("#person-0 [data-remove]")).to_be_hidden()  # one person always stays
    page.click("#add-person")
    expect(page.locator("#persons-1-name")).to_be_focused()
    page.fill("#persons-1-name", "Mei Ling")
    page.select_option("#persons-1-sex", "female")
    page.fill("#persons-1-nationality", "Malaysia")
    page.fill("#persons-1-age", "30")
    page.click("#add-person")
    expect(page.locator("#persons-2-name")).to_be_focused()
    page.locator("#person-2 [data-remove]").click()
    expect(page.locator("fieldset.person")).to_have_count(2)
    expect(page.locator("#add-person")).to_be_focused()

    # The phone's position, with its accuracy: one tap away.
    open_fold(page, "#location-fold")
    page.click("[data-locate]")
    expect(page.locator("[data-locate-status]")).to_contain_text("15 m")
    assert page.input_value("#latitude") == "1.141200"
    assert page.input_value("#longitude") == "103.896700"
    assert page.input_value("#accuracy_m") == "15"

    # The 12-megapixel photo is made smaller on the phone before it is sent.
    open_fold(page, "#photos-fold")
    page.set_input_files(
        "#photos", files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": phone_photo}]
    )
    expect(page.locator("[data-photo-status]")).to_contain_text("KB")
    shrunk = page.evaluate("() => document.querySelector('#photos').files[0].size")
    assert shrunk < SIX_HUNDRED_KB
    assert fits_the_screen(page)

    with UploadSizes(live_app, "/reports/new") as uploads:
        page.locator("form[data-report-form] button.primary").click()
        page.wait_for_url(re.compile(r"/reports/\d+/sent$"))
    code = page.locator("#refcode").inner_text().strip()
    assert CODE.fullmatch(code)
    expect(page.locator("main")).to_contain_text("3 hari kerja")
    [upload] = uploads  # the whole form as the server received it, photo included
    assert upload < SIX_HUNDRED_KB
    print(f"\n12 MP photo: {len(phone_photo)} bytes chosen, {shrunk} bytes after the phone shrank it, "
          f"{upload} bytes of request body received by the server")

    assert serious_axe_violations(page) == []
    page.click("a.button >> text=Laporan desa")
    row = page.locator("li.report-row", has_text=code)
    expect(row).to_be_visible()
    expect(row.locator(".chip").first).to_have_text(re.compile("Terkirim"))
    assert serious_axe_violations(page) == []

    with live_app.app_context():
        report = db.session.scalar(select(Report).where(Report.code == code))
        assert [(p.name, p.nationality) for p in report.persons] == [("John Tan", "SG"), ("Mei Ling", "MY")]
        assert (report.latitude, report.longitude, report.accuracy_m) == (1.1412, 103.8967, 15)
        [photo] = report.photos
        assert (photo.width, photo.height) == (1600, 1200)
        db.session.remove()

    row.locator("a").click()
    expect(page.locator("main")).to_contain_text("Mei Ling")
    thumb = page.locator(".photo-list img").first
    expect(thumb).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) > 0
    assert serious_axe_violations(page) == []
    assert fits_the_screen(page)


def test_the_report_form_with_errors_stays_accessible(phone):
    page = phone.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    page.fill("#description", "pendek")
    page.locator("form[data-report-form] button.primary").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#description")).to_have_value("pendek")
    assert serious_axe_violations(page) == []
    assert fits_the_screen(page)


def test_a_resident_sends_a_tip_and_looks_up_its_status(phone, live_app):
    page = phone.new_page()
    page.goto("/")
    page.locator("nav.site-nav a", has_text="Kirim informasi").click()
    expect(page).to_have_url(re.compile(r"/tips/new$"))
    assert serious_axe_violations(page) == []
    assert fits_the_screen(page)

    page.select_option("#village", label="Kasu")
    fill_facts(page, "Tamu asing menginap di rumah sewa saya sejak Senin, saya melapor (uji e2e).")
    page.check("#anonymous")
    page.locator("form[data-report-form] button.primary").click()
    page.wait_for_url(re.compile(r"/tips/sent/"))
    code = page.locator("#refcode").inner_text().strip()
    pin = page.locator("#tip-pin").inner_text().strip()
    assert CODE.fullmatch(code) and re.fullmatch(r"\d{6}", pin)

    page.locator("a.button", has_text="Lacak informasi").click()
    page.fill("#code", code.lower().replace("-", ""))
    page.fill("#pin", pin)
    page.locator("main form button").click()
    expect(page.locator("main")).to_contain_text(f"Informasi {code}")
    expect(page.locator("main .chip").first).to_have_text(re.compile("Terkirim"))
    expect(page.locator("main")).not_to_contain_text("rumah sewa saya")  # status, not contents
    assert serious_axe_violations(page) == []

    with live_app.app_context():
        tip = db.session.scalar(select(Report).where(Report.code == code))
        assert (tip.village.name, tip.anonymous, tip.reporter_name) == ("Kasu", True, "")
        db.session.remove()


def test_the_report_form_works_without_javascript(browser, live_server, live_app):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server, viewport=PHONE, locale="id-ID"
    )
    page = context.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    description = "Tanpa JavaScript: satu orang asing bekerja di bengkel perahu (uji e2e)."
    fill_facts(page, description)
    page.click("#add-person")  # no htmx: the form comes back with one more row, nothing lost
    expect(page.locator("#persons-1-name")).to_be_visible()
    expect(page.locator("#description")).to_have_value(description)
    page.fill("#persons-1-name", "Second Person")
    open_fold(page, "#photos-fold")
    photo = {"name": "bengkel.jpg", "mimeType": "image/jpeg", "buffer": photo_samples.jpeg(1200, 900)}
    page.set_input_files("#photos", files=[photo])
    page.locator("form[data-report-form] button.primary").click()
    page.wait_for_url(re.compile(r"/reports/\d+/sent$"))
    assert CODE.fullmatch(page.locator("#refcode").inner_text().strip())
    with live_app.app_context():
        report = db.session.scalar(select(Report).where(Report.description == description))
        assert len(report.persons) == 2 and len(report.photos) == 1
        db.session.remove()
    context.close()


def test_a_kept_form_says_when_it_is_opened_not_when_it_was_kept(browser, live_server):
    """The phone's clock decides 'when did you see it?' on a fresh form, not the page's copy."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.clock.install(time="2026-11-20T10:05:00+07:00")
    log_in(page, "desa")
    page.goto("/reports/new")
    assert page.input_value("#observed_at") == "2026-11-20T10:05"
    context.close()
