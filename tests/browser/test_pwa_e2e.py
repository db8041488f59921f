"""The app around the outbox in the browser: the update prompt, the iOS hint, refused and expired
sends, the outbox page, and the warning when logging out with reports still waiting."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.conftest import log_in
from tests.browser.conftest import serious_axe_violations
from tests.browser.offline import FlakyNetwork
from tests.browser.offline import badge
from tests.browser.offline import fill_report
from tests.browser.offline import outbox_items
from tests.browser.offline import reports_with
from tests.browser.offline import send_report
from tests.browser.offline import unique_description
from tests.browser.offline import wait_for_worker

IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def served_version(page):
    return page.evaluate(
        "async () => (await (await fetch('/sw.js')).text()).match(/VERSION = \"(\\w+)\"/)[1]"
    )


def static_caches(page):
    return page.evaluate(
        "async () => (await caches.keys()).filter((name) => name.startsWith('db-static-'))"
    )


def test_new_version_is_announced_and_loaded_on_request(offline_context, live_app):
    page = offline_context.new_page()
    page.goto("/")
    wait_for_worker(page)
    first = served_version(page)
    assert static_caches(page) == [f"db-static-{first}"]
    old_release = live_app.config.get("RELEASE")
    live_app.config["RELEASE"] = "next-release"
    live_app.extensions.pop("release_digest", None)
    try:
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        banner = page.locator("#update-banner")
        banner.wait_for()
        assert "Versi baru" in banner.inner_text()
        with page.expect_navigation():
            banner.locator("button").click()
        second = served_version(page)
        assert second != first
        assert static_caches(page) == [f"db-static-{second}"]  # the old release's cache is gone
    finally:
        live_app.config["RELEASE"] = old_release
        live_app.extensions.pop("release_digest", None)


def test_iphone_users_are_told_once_how_to_install(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, user_agent=IPHONE_UA, locale="id-ID")
    page = context.new_page()
    page.goto("/")
    hint = page.locator("#install-hint")
    hint.wait_for()
    assert "Tambahkan ke Layar Utama" in hint.inner_text()
    hint.locator("button").click()
    assert hint.count() == 0
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#install-hint").count() == 0
    context.close()


def test_android_chrome_gets_no_ios_hint(offline_context):
    page = offline_context.new_page()
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#install-hint").count() == 0


def test_no_csp_errors_with_the_worker(offline_context):
    page = offline_context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    wait_for_worker(page)
    page.goto("/outbox")
    page.goto("/guidance/")
    page.wait_for_load_state("networkidle")
    assert errors == []




def test_a_refused_report_shows_the_form_with_its_errors_and_nothing_waits(offline_context, live_app):
    page = offline_context.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    fill_report(page, "Terlalu pendek", photo=False)
    send_report(page)
    expect(page.locator("#description-error")).to_be_visible()
    assert page.url.endswith("/reports/new")
    assert outbox_items(page) == []
    description = unique_description("diperbaiki")
    page.fill("#description", description)
    send_report(page)
    expect(page.locator("#refcode")).to_be_visible()
    assert "/sent" in page.url
    assert reports_with(live_app, description) == [0]


def refused_on_the_outbox_page(offline_context):
    """A page on the outbox, once a report kept offline has been sent and refused (its
    description is too short)."""
    page = offline_context.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    wait_for_worker(page)
    fill_report(page, "Terlalu pendek", photo=False)
    offline_context.set_offline(True)
    send_report(page)
    expect(badge(page)).to_have_text("1 laporan menunggu")
    offline_context.set_offline(False)
    page.goto("/outbox")
    return page


def test_a_refused_waiting_report_shows_why_and_can_be_deleted(offline_context, live_app):
    page = refused_on_the_outbox_page(offline_context)
    item = page.locator(".outbox-item")
    expect(item.locator(".outbox-invalid")).to_contain_text("Kantor tidak dapat menerimanya")
    expect(item.locator(".outbox-invalid li")).to_have_count(2)  # the reason and the field's error
    expect(badge(page)).to_have_text("1 laporan menunggu")  # kept: the user decides
    item.get_by_role("button", name="Kirim sekarang").click()
    # The list is drawn again once the answer is in: then the report is still refused.
    expect(item.get_by_role("button", name="Kirim sekarang")).to_be_enabled()
    expect(item.locator(".outbox-invalid")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Hapus").click()
    expect(badge(page)).to_be_hidden()
    expect(page.locator("#outbox-empty")).to_be_visible()


# The user taps "Delete" at the moment the office's answer comes back: the outbox reads the
# report to write its new state back just as the deletion starts.
DELETE_WHILE_ANSWER_IS_WRITTEN = """async () => {
    const [item] = await window.DesaOutbox.all();
    const read = IDBObjectStore.prototype.get;
    let deleting = null;
    IDBObjectStore.prototype.get = function (key) {
        if (key === item.uuid && !deleting) {
            deleting = window.DesaOutbox.remove(item.uuid);
        }
        return read.call(this, key);
    };
    try {
        await window.DesaOutbox.send(item, window.DesaOutboxPage.config);
        await deleting;
    } finally {
        IDBObjectStore.prototype.get = read;
    }
    return (await window.DesaOutbox.all()).length;
}"""


def test_a_report_deleted_as_its_answer_arrives_stays_deleted(offline_context, live_app):
    page = refused_on_the_outbox_page(offline_context)
    expect(page.locator(".outbox-item .outbox-invalid")).to_be_visible()
    assert page.evaluate(DELETE_WHILE_ANSWER_IS_WRITTEN) == 0


def test_logging_out_warns_while_reports_wait(offline_context):
    page = offline_context.new_page()
    log_in(page, "desa")
    # A report of another account on this shared phone: it waits for its author.
    page.evaluate(
        """() => window.DesaOutbox.put({uuid: crypto.randomUUID(), url: "/reports/new", title: "Laporan",
            summary: "", owner: "lurah", fields: [], files: [], state: "login", lastError: "login",
            createdAt: Date.now()})"""
    )
    page.reload()
    expect(badge(page)).to_have_text("1 laporan menunggu")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click(".logout-form button")  # returns once the dialog is handled: confirm() blocks
    assert "Masih ada laporan" in messages[0]
    assert "Keluar" in page.locator(".site-header").inner_text()  # still logged in
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".logout-form button")
    page.wait_for_url("**/")
    assert "Masuk" in page.locator(".site-header").inner_text()
    expect(badge(page)).to_have_text("1 laporan menunggu")  # logging out deletes nothing


def test_a_tip_sent_in_the_background_keeps_its_pin(offline_context, live_app):
    page = offline_context.new_page()
    page.goto("/tips/new")
    wait_for_worker(page)
    page.select_option("#village", label="Pemping")
    fill_report(page, unique_description("warga"), photo=False)
    offline_context.set_offline(True)
    send_report(page)
    expect(badge(page)).to_have_text("1 laporan menunggu")
    offline_context.set_offline(False)
    expect(badge(page)).to_be_hidden(timeout=20000)
    expect(page.locator("#messages a[href='/outbox']")).to_be_visible()
    page.goto("/outbox")
    receipt = page.locator(".outbox-receipt")
    receipt.locator("summary").click()
    expect(receipt.locator("#tip-pin")).to_have_text(re.compile(r"^\d{6}$"))


def kept_pages(page):
    return page.evaluate(
        """async () => {
            const cache = await caches.open("db-pages-1");
            return (await cache.keys()).map((request) => new URL(request.url).pathname);
        }"""
    )


def wait_until_kept(page, path):
    page.evaluate(
        """async (path) => {
            for (let tries = 0; tries < 40; tries++) {
                if (await (await caches.open("db-pages-1")).match(path)) return;
                await new Promise((done) => setTimeout(done, 250));
            }
            throw new Error(`never kept: ${path}`);
        }""",
        path,
    )


def test_the_report_form_opens_from_the_phone_and_logging_out_forgets_it(offline_context):
    page = offline_context.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")  # installs the worker, which keeps this page from the HTTP cache
    wait_for_worker(page)
    wait_until_kept(page, "/reports/new")

    offline_context.set_offline(True)
    page.goto("/reports/new")  # no signal: the form still opens, ready to fill
    expect(page.locator("form[data-report-form]")).to_be_visible()
    offline_context.set_offline(False)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".logout-form button")
    page.wait_for_url("**/")
    assert kept_pages(page) == []  # they showed this user's name


def test_a_form_opened_from_the_phone_gets_the_current_form_token(offline_context):
    page = offline_context.new_page()
    page.goto("/tips/new")
    wait_for_worker(page)
    wait_until_kept(page, "/tips/new")
    kept_token = page.get_attribute('meta[name="csrf-token"]', "content")

    offline_context.clear_cookies()  # a new session: the kept page's token is no longer valid
    page.goto("/tips/new")
    page.evaluate(
        """async (kept) => {
            const meta = document.querySelector('meta[name="csrf-token"]');
            for (let tries = 0; tries < 40 && meta.content === kept; tries++) {
                await new Promise((done) => setTimeout(done, 250));
            }
        }""",
        kept_token,
    )
    fresh = page.get_attribute('meta[name="csrf-token"]', "content")
    assert fresh != kept_token
    assert page.input_value(".lang-switch input[name=csrf_token]") == fresh
    page.click("button[name=lang][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # not "form expired"


@pytest.mark.parametrize("path", ["/outbox", "/offline"])
def test_outbox_and_offline_pages_are_accessible(offline_context, path):
    page = offline_context.new_page()
    page.goto(path)
    page.evaluate(
        """() => window.DesaOutbox.put({uuid: crypto.randomUUID(), url: "/reports/new", title: "Laporan",
            summary: "Dua orang asing", owner: "desa", fields: [], files: [], state: "login",
            lastError: "login", createdAt: Date.now()})"""
    )
    page.reload()
    expect(badge(page)).to_be_visible()
    assert serious_axe_violations(page) == []


def test_leaving_the_page_while_a_report_is_sent_loses_nothing(offline_context, live_app):
    page = offline_context.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    wait_for_worker(page)
    description = unique_description("pergi")
    fill_report(page, description)
    with FlakyNetwork(live_app) as network:
        network.fail_next("/reports/new", "stall_then_503")
        send_report(page)
        assert network.stall_started.wait(10)  # the report is on its way, slowly
        page.goto("/guidance/")  # the user moves on; the next page sends what waits
        expect(badge(page)).to_be_hidden(timeout=20000)
        assert network.stall_ended.wait(10)  # the stalled first try ends, in an error nobody hears
    assert network.posts_to("/reports/new") == [503, "app"]
    assert reports_with(live_app, description) == [1]
