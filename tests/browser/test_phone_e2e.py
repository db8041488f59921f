"""Made for one thumb on a 360 x 740 screen (issue 13), measured in the system Chromium: each role's
main tasks in the first viewport on every page, the report form in three screens, a report's
actions on top, a queue that shows reports first, the recap on a phone and on A4, the offline
pages for the signed-in user, the guidance index, and axe-core on every page for every role in
both languages at 360 and 1280 px."""

import time
from datetime import UTC
from datetime import datetime

import pytest
from playwright.sync_api import expect

from domain import EventKind
from domain import Status
from domain import Urgency
from extensions import db
from models import Event
from services.person_records import link_new_persons
from tests import factories
from tests.browser import offline
from tests.browser.conftest import PHONE
from tests.browser.conftest import log_in
from tests.browser.conftest import open_fold
from tests.browser.conftest import serious_axe_violations
from tests.browser.walk import MAIN_LINKS
from tests.browser.walk import ROLES
from tests.browser.walk import paths
from tests.browser.walk import sign_in
from tests.browser.walk import switch_language

pytestmark = pytest.mark.e2e

SCREEN = PHONE["height"]
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module", autouse=True)
def reports_to_walk(live_app):
    """A few reports in the officer's villages, as an office has them: the lists are not empty."""
    with live_app.app_context():
        for village, status, urgency in (("Tanjung Sari", Status.NEW, Urgency.URGENT),
                                         ("Tanjung Sari", Status.IN_REVIEW, Urgency.NORMAL),
                                         ("Sekanak Raya", Status.NEW, Urgency.NORMAL),
                                         ("Pemping", Status.FIELD_CHECK, Urgency.NORMAL)):
            report = factories.make_report(village_name=village, status=status, urgency=urgency,
                                           persons=2, reporter="desa" if village == "Tanjung Sari" else None)
            link_new_persons(report)  # the same passports: each person's record has every sighting
            db.session.commit()
        db.session.remove()


@pytest.fixture
def new_phone(browser, live_server):
    """Pages in contexts of their own (their own cookies), as new phones have them."""
    contexts = []

    def open_page():
        contexts.append(browser.new_context(base_url=live_server, viewport=PHONE, locale="id-ID"))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_phone):
    return new_phone()


def in_first_viewport(page, locator):
    """Visible, and wholly inside the first 360 x 740 screen of the page (not scrolled)."""
    if not locator.is_visible():
        return False
    box = page.evaluate(
        "(el) => { const r = el.getBoundingClientRect();"
        " return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; }",
        locator.element_handle())
    return box["top"] >= 0 and box["bottom"] <= SCREEN and box["left"] >= 0 and box["right"] <= PHONE["width"]


def page_height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


# Point 1: navigation by role.

@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_each_roles_main_tasks_are_in_view_on_every_page(phone_page, role, lang):
    page = phone_page
    sign_in(page, role)
    page.goto("/")
    switch_language(page, lang)
    try:
        for path in list(paths(page, role)):
            page.goto(path)
            main = page.locator(".nav-main > li:not(.nav-more-item) > a")
            hrefs = main.evaluate_all("links => links.map((a) => a.getAttribute('href'))")
            assert tuple(hrefs) == MAIN_LINKS[role], (path, hrefs)
            for index in range(main.count()):
                assert in_first_viewport(page, main.nth(index)), (path, hrefs[index])
            assert in_first_viewport(page, page.locator(".nav-more > summary")), path
            assert page_width(page) <= PHONE["width"], path
    finally:
        switch_language(page, "id")  # the next tests expect the demo accounts in Indonesian


def test_the_badges_on_the_main_links(new_phone, live_app):
    with live_app.app_context():
        factories.make_report(status=Status.NEEDS_INFO, description="Waiting for the official (badge).")
        db.session.remove()
    official = new_phone()
    log_in(official, "desa")
    badge = official.locator(".nav-main a[href='/reports/'] .badge")
    assert in_first_viewport(official, badge)
    expect(badge).to_contain_text("menunggu jawaban Anda")  # said to screen readers, not only a number

    officer = new_phone()
    log_in(officer, "petugas")
    new = officer.locator("#review-badge .badge-new")
    expect(new).to_be_visible()  # filled in by htmx
    assert in_first_viewport(officer, new)


def test_the_menu_opens_in_place_by_keyboard_and_without_javascript(browser, live_server, phone_page):
    page = phone_page
    log_in(page, "petugas")
    secondary = page.locator(".nav-more a[href='/recap/']")
    expect(secondary).to_be_hidden()
    page.locator(".nav-more > summary").focus()
    page.keyboard.press("Enter")
    expect(secondary).to_be_visible()
    assert in_first_viewport(page, secondary)
    page.keyboard.press("Enter")
    expect(secondary).to_be_hidden()

    context = browser.new_context(java_script_enabled=False, base_url=live_server, viewport=PHONE)
    try:
        plain = context.new_page()
        plain.goto("/")
        plain.click(".nav-more > summary")
        expect(plain.locator(".nav-more a[href='/']")).to_be_visible()
    finally:
        context.close()


# Point 2: the report form.

def test_the_report_form_fits_three_screens(phone_page):
    page = phone_page
    log_in(page, "desa")
    page.goto("/reports/new")
    height = page_height(page)
    print(f"\nreport form at 360 x 740: {height} px, {height / SCREEN:.2f} screens")
    assert height <= 3 * SCREEN
    assert page_width(page) <= PHONE["width"]
    # One form, one POST, every field the outbox stores still in it (folded, one tap away).
    assert page.locator("form[data-report-form]").count() == 1
    for name in ("latitude", "longitude", "accuracy_m", "photos", "persons-0-passport_no",
                 "persons-0-birth_date", "persons-0-permit_type", "description", "category"):
        assert page.locator(f"form[data-report-form] [name='{name}']").count() >= 1, name
    for fold in ("#location-fold", "#photos-fold", "#person-0 details.fold"):
        assert page.locator(fold).get_attribute("open") is None, fold
    expect(page.locator("#add-person")).to_be_visible()


def test_a_category_shows_its_hint_and_law_link_once_chosen(phone_page):
    page = phone_page
    log_in(page, "desa")
    page.goto("/reports/new")
    expect(page.locator(".choice-hint:visible")).to_have_count(0)
    page.check("input[name=category][value=working]")
    hint = page.locator(".choice-hint:visible")
    expect(hint).to_have_count(1)
    link = hint.locator("a")
    expect(link).to_have_count(1)
    assert link.get_attribute("href").startswith("/guidance/")
    page.check("input[name=category][value=lodging]")
    expect(page.locator(".choice-hint:visible")).to_have_count(1)
    expect(page.locator("#category-0-hint")).to_be_visible()
    assert page_height(page) <= 3 * SCREEN


# Point 3: the officer's report page and the queue.

@pytest.fixture
def new_report(live_app):
    with live_app.app_context():
        report = factories.make_report(persons=2, urgency=Urgency.URGENT,
                                       description="Two foreigners working at the boatyard every day.")
        found = report.id
        db.session.remove()
    return found


def test_a_reports_status_waiting_and_actions_are_on_the_first_screen(phone_page, new_report):
    page = phone_page
    log_in(page, "petugas")
    page.goto(f"/review/{new_report}")
    height = page_height(page)
    print(f"\nreport page at 360 x 740: {height} px, {height / SCREEN:.2f} screens")
    workspace = page.locator("#report-workspace")
    assert in_first_viewport(page, workspace.locator(".current-status"))
    assert in_first_viewport(page, workspace.locator(".status-facts dd").last)  # the waiting time
    assert in_first_viewport(page, workspace.locator("button[name=assignee]").first)  # claim
    for button in workspace.locator("form.moves button").all():
        assert in_first_viewport(page, button)
    # Facts, persons, photos, related reports and the timeline follow, in that order.
    tops = [page.locator(selector).bounding_box()["y"] for selector in (
        "#report-workspace", "#what-title", "#persons-title", "#related-title", "#report-timeline")]
    assert tops == sorted(tops)
    # An action swaps the workspace and brings the timeline below up to date.
    workspace.locator("form.moves button[value=in_review]").click()
    expect(workspace.locator(".current-status")).to_have_text("Ditinjau PIMPASA")
    expect(page.locator("#report-timeline")).to_contain_text("Ditinjau PIMPASA")
    expect(page.locator("#report-timeline")).to_have_count(1)


def test_the_queues_first_screen_shows_three_reports(phone_page):
    page = phone_page
    log_in(page, "petugas")
    page.goto("/review/")
    height = page_height(page)
    print(f"\nqueue at 360 x 740: {height} px, {height / SCREEN:.2f} screens")
    rows = page.locator(".queue-row")
    assert rows.count() >= 3
    for index in range(3):
        assert in_first_viewport(page, rows.nth(index)), index
    # Search and filters are one line that opens; the status tabs are not cut off.
    expect(page.locator("#q")).to_be_hidden()
    assert in_first_viewport(page, page.locator(".filter-more > summary"))
    for tab in page.locator(".tabs > ul > li").all():
        assert in_first_viewport(page, tab)
    open_fold(page, ".tabs-more")
    for tab in page.locator(".tabs-more a").all():
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    open_fold(page, ".filter-more")
    expect(page.locator("#q")).to_be_visible()
    order = page.locator("#f-sort")
    assert order.evaluate("(el) => el.scrollWidth <= el.clientWidth")  # the order's words fit


def test_the_loading_text_is_hidden_until_a_request_runs(phone_page):
    page = phone_page
    log_in(page, "petugas")
    page.goto("/review/")
    loading = page.locator("#queue-loading")
    expect(loading).to_be_hidden()  # display: none, so screen readers skip it too
    page.evaluate("document.querySelector('#queue-filters').classList.add('htmx-request')")
    expect(loading).to_be_visible()


# Point 4: the offline pages and the outbox.

KEPT_FOR = """async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("db-shell-")) {
        const kept = await (await caches.open(name)).match("/offline?kept-for");
        if (kept) { return await kept.text(); }
      }
    }
    return null;
}"""


def controlled(page):
    """Reload once the worker is active: a page loaded while it was still activating stays
    uncontrolled (its clients.claim() had already run)."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    offline.wait_for_worker(page)


def shells_kept_for(page, key, seconds=15):
    """Wait until the worker keeps its offline and outbox pages for `key` (user|language)."""
    deadline = time.monotonic() + seconds
    while page.evaluate(KEPT_FOR) != key:
        assert time.monotonic() < deadline, f"the offline pages were not kept for {key!r}"
        page.wait_for_timeout(100)  # polling a condition the page cannot signal


def test_offline_pages_show_the_signed_in_users_menu(offline_context):
    page = offline_context.new_page()
    log_in(page, "desa")
    controlled(page)
    shells_kept_for(page, "desa|id")
    offline_context.set_offline(True)
    try:
        page.goto("/outbox")
        expect(page.locator(".site-header")).to_contain_text("Perangkat desa")
        expect(page.locator(".nav-main a[href='/reports/new']")).to_be_visible()
        expect(page.locator(".site-header")).not_to_contain_text("Masuk")
        page.goto("/review/")  # never kept: the offline page, with the same menu
        expect(page.locator("h1")).to_have_text("Tidak ada koneksi")
        expect(page.locator(".nav-main a[href='/reports/new']")).to_be_visible()
    finally:
        offline_context.set_offline(False)

    # Someone else takes the phone: after logging out the pages are anonymous again.
    page.goto("/")
    with page.expect_navigation():
        page.click(".logout-form button")
    shells_kept_for(page, "|id")
    offline_context.set_offline(True)
    try:
        page.goto("/outbox")
        expect(page.locator(".site-header")).to_contain_text("Masuk")
        expect(page.locator(".site-header")).not_to_contain_text("Perangkat desa")
    finally:
        offline_context.set_offline(False)


def test_the_photo_note_resets_with_the_form(offline_context):
    page = offline_context.new_page()
    log_in(page, "desa")
    controlled(page)
    page.goto("/reports/new")
    offline.fill_report(page, offline.unique_description("photo-note"))
    expect(page.locator("[data-photo-status]")).to_contain_text("KB")
    offline_context.set_offline(True)
    try:
        offline.send_report(page)
        expect(offline.badge(page)).to_be_visible()
        expect(page.locator("#description")).to_have_value("")
        expect(page.locator("[data-photo-status]")).to_have_text("")
    finally:
        offline_context.set_offline(False)


# Point 5: the recap.

@pytest.fixture
def forwarded_report(live_app):
    """A report forwarded to TIMPORA this month, for the recap's second table."""
    with live_app.app_context():
        report = factories.make_report(status=Status.FORWARDED, description="Forwarded (recap test).")
        report.events.append(Event(kind=EventKind.STATUS, from_status=Status.FIELD_CHECK,
                                   to_status=Status.FORWARDED, created_at=datetime.now(UTC)))
        db.session.commit()
        code = report.code
        db.session.remove()
    return code


def test_the_recap_fits_a_phone_and_prints_on_a4(phone_page, forwarded_report):
    page = phone_page
    log_in(page, "admin")
    page.goto("/recap/")
    presets = page.locator(".presets a")
    expect(presets).to_have_count(3)
    expect(page.locator(".presets a[aria-current=page]")).to_have_count(1)
    page.click(".presets a[href$='period=this_month']")
    chosen = page.locator(".presets a[aria-current=page]")
    expect(chosen).to_have_attribute("href", "/recap/?period=this_month")
    height = page_height(page)
    print(f"\nrecap (this month) at 360 x 740: {height} px, {height / SCREEN:.2f} screens")
    assert page_width(page) <= PHONE["width"]
    for table in page.locator(".stack-table").all():
        assert table.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    code = page.locator(".recap-forwarded .code", has_text=forwarded_report)
    box = code.bounding_box()
    line = code.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight)")
    assert box["height"] < 1.5 * line  # one line: the code does not break
    # A total for both periods of every counted figure.
    table = page.locator("#table-village_category")
    totals = table.locator("tfoot td")
    expect(totals).to_have_count(2)
    rows = table.locator("tbody tr").all()
    for index in range(2):
        column = sum(int(row.locator("td").nth(index).inner_text()) for row in rows)
        assert int(totals.nth(index).inner_text()) == column
    # Custom dates open from one line.
    open_fold(page, "details.fold:has(#date_from)")
    expect(page.locator("#date_from")).to_be_visible()

    # On A4 the tables are tables again, and the screen-only parts are gone.
    page.emulate_media(media="print")
    expect(page.locator("#table-village_category thead th").first).to_be_visible()
    assert page.locator("#table-village_category tbody tr").first.evaluate(
        "(el) => getComputedStyle(el).display") == "table-row"
    expect(page.locator(".presets")).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_hidden()
    assert page.pdf(format="A4")[:4] == b"%PDF"


# Point 6: the guidance index (built by the guidance work; checked here at 360 px as a whole page).

@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_guidance_index_lists_each_article_once_in_three_screens(phone_page, lang):
    page = phone_page
    page.goto("/guidance/")
    switch_language(page, lang)
    hrefs = page.locator(".guidance-group a.card-title").evaluate_all(
        "links => links.map((a) => a.getAttribute('href'))")
    assert len(hrefs) >= 19 and len(set(hrefs)) == len(hrefs)
    assert page_height(page) <= 3 * SCREEN
    assert page.locator(".guidance-group h2").count() >= 3  # grouped by audience


# Point 7: axe-core everywhere.

@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_nothing_serious_on_any_page(phone_page, role, lang):
    page = phone_page
    sign_in(page, role)
    page.goto("/")
    switch_language(page, lang)
    found = {}
    try:
        for path in list(paths(page, role)):
            for viewport in (PHONE, LAPTOP):
                page.set_viewport_size(viewport)
                page.goto(path)
                violations = serious_axe_violations(page)
                if violations:
                    found[f"{path} at {viewport['width']} px"] = violations
            page.set_viewport_size(PHONE)
    finally:
        switch_language(page, "id")
    assert found == {}
