"""An officer triages a report end to end in the system Chromium while the village official who
sent it watches: find it, claim it, review it, ask for information, see the answer arrive,
close it with an outcome. Also: the queue's address bar survives Back, and the pages pass axe."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from extensions import db
from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.conftest import log_in
from tests.browser.conftest import open_fold
from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_report(live_app):
    """A new report from the demo official, findable by a word no other report has."""
    word = "kelong" + secrets.token_hex(3)
    with live_app.app_context():
        report = factories.make_report(
            description=f"Three foreigners staying at the {word} behind the jetty since Monday.")
        found = {"id": report.id, "code": report.code, "word": word}
        db.session.remove()
    return found


@pytest.fixture
def official(browser, live_server):
    """The official who sent the report, on a phone of their own."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="id-ID")
    page = context.new_page()
    log_in(page, "desa")
    yield page
    context.close()


def official_sees(page, report_id, *texts):
    page.goto(f"/reports/{report_id}")
    for text in texts:
        expect(page.locator("main")).to_contain_text(text)


def test_officer_triages_a_report_while_the_official_follows(page, official, fresh_report):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    report_id, code = fresh_report["id"], fresh_report["code"]
    log_in(page, "petugas")

    # Find it: the search updates the list in place and the address bar keeps the search.
    page.goto("/review/")
    expect(page.locator("#review-badge .badge-new")).to_be_visible()
    open_fold(page, ".filter-more")
    page.fill("#q", fresh_report["word"])
    rows = page.locator(".queue-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(code)
    expect(page).to_have_url(re.compile(rf"/review/\?status=all&q={fresh_report['word']}$"))
    page.click(f".queue-row a:has-text('{code}')")
    expect(page.locator("h1")).to_contain_text(code)
    official_sees(official, report_id, "Terkirim")

    # Claim it, then start the review: each swaps the workspace in place.
    workspace = page.locator("#report-workspace")
    workspace.locator("form:not(.assign-form) button[name=assignee]").click()
    expect(workspace.locator(".assignee")).to_have_text("Petugas PIMPASA")
    workspace.locator("form.moves button[value=in_review]").click()
    expect(workspace.locator(".current-status")).to_have_text("Ditinjau PIMPASA")
    official_sees(official, report_id, "Ditinjau PIMPASA")

    # Ask the reporter; the official sees the question and answers it.
    open_fold(page, "details.write-fold:has(form.ask)")
    workspace.locator("#info-text").fill("Apakah mereka menginap di rumah Pak RT atau di homestay?")
    workspace.locator("form.ask button").click()
    expect(workspace.locator(".current-status")).to_have_text("Perlu info tambahan")
    official_sees(official, report_id, "Apakah mereka menginap di rumah Pak RT")
    official.fill("#text", "Di homestay Bu Ani, kamar nomor 2.")
    official.locator("form[action$='/reply'] button.primary").click()
    expect(official.locator("main")).to_contain_text("Di homestay Bu Ani")

    # The answer reaches the officer, who closes the report with an outcome.
    page.reload()
    expect(workspace.locator(".current-status")).to_have_text("Ditinjau PIMPASA")
    expect(page.locator("#report-timeline")).to_contain_text("Di homestay Bu Ani, kamar nomor 2.")
    # One closing form: choosing an outcome puts its standard reply in the message to edit, and
    # the original's code is asked of a duplicate only.
    open_fold(page, "details.write-fold:has(form.close)")
    close = workspace.locator("form.close")
    original = close.locator("#close-original")
    expect(original).to_be_hidden()
    close.get_by_role("radio", name="Duplikat").check()
    expect(original).to_be_visible()
    close.get_by_role("radio", name="Tidak ada pelanggaran, sudah diberi edukasi").check()
    expect(original).to_be_hidden()
    message = close.locator("textarea")
    expect(message).to_have_value(
        "Terima kasih atas laporan Anda. Petugas kami telah memeriksanya dan tidak menemukan "
        "pelanggaran. Orang yang bersangkutan telah diberi penjelasan tentang aturan bagi orang "
        "asing. Terima kasih atas kepedulian Anda.")
    message.fill("Terima kasih. Tidak ada pelanggaran; tamu sudah diberi penjelasan.")
    close.locator("button.primary").click()
    expect(workspace.locator(".current-status")).to_have_text("Selesai")
    official_sees(official, report_id, "Selesai", "tamu sudah diberi penjelasan")
    assert errors == []


def test_queue_state_survives_back_and_reload(page, fresh_report):
    log_in(page, "petugas")
    page.goto("/review/")
    open_fold(page, ".filter-more")
    page.fill("#q", fresh_report["word"])
    expect(page).to_have_url(re.compile(rf"/review/\?status=all&q={fresh_report['word']}$"))
    expect(page.locator(".queue-row")).to_have_count(1)
    searched = page.url
    open_fold(page, ".tabs-more")
    page.click("a[data-tab=closed]")
    expect(page.locator("a[data-tab=closed]")).to_have_attribute("aria-current", "page")
    expect(page.locator(".queue-row")).to_have_count(0)
    assert "status=closed" in page.url
    page.go_back()
    expect(page).to_have_url(searched)
    expect(page.locator(".queue-row")).to_have_count(1)
    expect(page.locator("#q")).to_have_value(fresh_report["word"])
    page.go_forward()
    expect(page.locator("a[data-tab=closed]")).to_have_attribute("aria-current", "page")
    page.reload()
    expect(page.locator("a[data-tab=closed]")).to_have_attribute("aria-current", "page")
    expect(page.locator("#q")).to_have_value(fresh_report["word"])
    page.click("a[data-tab=open]")
    expect(page.locator(".queue-row")).to_have_count(1)
    open_fold(page, ".filter-more")
    page.select_option("#f-category", "sea_arrival")  # a filter applies as soon as it changes
    expect(page).to_have_url(re.compile("category=sea_arrival"))
    expect(page.locator(".queue-row")).to_have_count(0)


def test_queue_works_without_javascript(browser, live_server, fresh_report):
    context = browser.new_context(java_script_enabled=False, base_url=live_server, viewport=PHONE,
                                  locale="id-ID")
    page = context.new_page()
    log_in(page, "petugas")
    page.goto("/review/")
    open_fold(page, ".filter-more")
    page.fill("#q", fresh_report["word"])
    page.click("#queue-filters button[type=submit]")
    expect(page.locator(".queue-row")).to_have_count(1)
    page.click(f".queue-row a:has-text('{fresh_report['code']}')")
    page.locator("#report-workspace form.moves button[value=in_review]").click()
    expect(page.locator(".current-status")).to_have_text("Ditinjau PIMPASA")
    context.close()


def test_a_report_is_closed_without_javascript(browser, live_server, fresh_report):
    """The closing form as a plain form: every field there with its label, an outcome chosen,
    the officer's message; the page comes back with the report closed."""
    context = browser.new_context(java_script_enabled=False, base_url=live_server, viewport=PHONE,
                                  locale="id-ID")
    page = context.new_page()
    log_in(page, "petugas")
    page.goto(f"/review/{fresh_report['id']}")
    open_fold(page, "details.write-fold:has(form.close)")
    close = page.locator("#report-workspace form.close")
    expect(close.get_by_label("Kode laporan asli (khusus duplikat)")).to_be_attached()
    close.get_by_role("radio", name="Tidak valid").check()
    close.get_by_label("Pesan untuk pelapor").fill("Sudah kami tangani.")
    close.locator("button.primary").click()
    expect(page.locator(".current-status")).to_have_text("Selesai")
    expect(page.locator("#messages")).to_contain_text("Selesai: Tidak valid.")
    expect(page.locator("#report-timeline")).to_contain_text("Sudah kami tangani.")
    context.close()


def test_review_pages_pass_axe(page, fresh_report):
    log_in(page, "petugas")
    page.goto("/review/")
    assert serious_axe_violations(page) == []
    page.goto(f"/review/{fresh_report['id']}")
    assert serious_axe_violations(page) == []
