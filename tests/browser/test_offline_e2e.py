"""Offline in the real browser (issue 6, point 4): installable; (a) a report sent without signal
waits on the phone and goes out once; (b) a 503 then success; (c) a connection lost after the
server saved; (d) guidance read online opens offline; (e) the outbox survives a browser restart."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tests.browser.offline import FlakyNetwork
from tests.browser.offline import badge
from tests.browser.offline import fill_report
from tests.browser.offline import outbox_items
from tests.browser.offline import persistent_context
from tests.browser.offline import reports_with
from tests.browser.offline import send_report
from tests.browser.offline import unique_description
from tests.browser.offline import wait_for_reports
from tests.browser.offline import wait_for_worker


def test_chromium_reports_no_installability_errors(playwright, live_server, tmp_path):
    # An ordinary context is incognito to Chromium, which then refuses to install anything.
    context = persistent_context(playwright, tmp_path, live_server)
    page = context.pages[0]
    page.goto("/")
    wait_for_worker(page)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    context.close()


def test_guidance_read_online_opens_offline(offline_context):
    page = offline_context.new_page()
    page.goto("/guidance/")
    wait_for_worker(page)
    page.goto("/guidance/")  # now through the worker, which keeps it
    page.goto("/guidance/timpora")
    title = page.locator("h1").inner_text()

    offline_context.set_offline(True)
    page.goto("/guidance/timpora")
    assert page.locator("h1").inner_text() == title
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "flex"
    page.goto("/guidance/")
    assert page.locator("a[href='/guidance/timpora']").count() >= 1

    page.goto("/guidance/penalties")  # never opened
    assert page.locator("h1").inner_text() == "Tidak ada koneksi"
    page.goto("/auth/password")  # a page that is never kept
    assert page.locator("h1").inner_text() == "Tidak ada koneksi"
    page.goto("/outbox")
    assert page.locator("h1").inner_text() == "Menunggu di ponsel ini"
    offline_context.set_offline(False)


def kept_urls(page):
    """Every page URL in the worker's caches (static files aside)."""
    return page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                if (name.startsWith("db-static-")) continue;
                for (const request of await (await caches.open(name)).keys()) {
                    const url = new URL(request.url);
                    urls.push(url.pathname + url.search);
                }
            }
            return urls;
        }"""
    )


def test_other_peoples_data_and_htmx_fragments_are_never_kept(offline_context, live_app):
    with live_app.app_context():
        report_id = factories.make_report().id
    page = offline_context.new_page()
    page.goto("/")
    wait_for_worker(page)
    log_in(page, "petugas")
    visited = ["/review/", f"/review/{report_id}", "/auth/password"]
    for path in visited:
        assert page.goto(path).status == 200, path
    page.goto("/guidance/search?q=visa")
    page.evaluate("() => fetch('/guidance/search?q=visa', {headers: {'HX-Request': 'true'}})")
    page.goto("/guidance/")  # let the worker finish storing what it may keep
    kept = kept_urls(page)
    assert not set(visited) & set(kept)
    assert "/guidance/search?q=visa" in kept  # the full page, read while signed in
    whole_page = page.evaluate(
        """async () => {
            const cache = await caches.open("db-pages-1");
            const kept = await cache.match("/guidance/search?q=visa", {ignoreVary: true});
            return (await kept.text()).includes("<html");
        }"""
    )
    assert whole_page  # what is kept is the whole page, never the fragment

    offline_context.set_offline(True)
    for path in visited:
        page.goto(path)
        assert page.locator("h1").inner_text() == "Tidak ada koneksi", path
    offline_context.set_offline(False)




def open_report_form(context):
    """The official's form, in a page the service worker controls."""
    page = context.new_page()
    log_in(page, "desa")
    page.goto("/reports/new")
    wait_for_worker(page)
    return page


def test_a_report_sent_without_signal_waits_and_goes_out_once(offline_context, live_app):
    page = open_report_form(offline_context)
    description = unique_description("luring")
    fill_report(page, description)
    with FlakyNetwork(live_app) as network:
        network.down.add("/reports/new")  # no signal, for the worker's Background Sync too
        offline_context.set_offline(True)
        send_report(page)
        expect(page.locator("#messages")).to_contain_text("Tersimpan di ponsel ini")
        expect(badge(page)).to_have_text("1 laporan menunggu")
        [item] = outbox_items(page)
        assert len(item["files"]) == 1 and 0 < item["files"][0] < 400_000  # made smaller

        page.reload()  # still offline: the worker answers, the outbox is still there
        expect(badge(page)).to_have_text("1 laporan menunggu")
        page.goto("/outbox")
        expect(page.locator(".outbox-item")).to_have_count(1)
        expect(page.locator(".outbox-item")).to_contain_text("Menunggu sinyal")
        assert reports_with(live_app, description) == []

        network.down.clear()
        offline_context.set_offline(False)  # the signal returns: sent by itself
        assert wait_for_reports(live_app, description, [1]) == [1]
        expect(badge(page)).to_be_hidden(timeout=20000)
    assert outbox_items(page) == []


def test_b_a_503_keeps_the_report_and_the_next_try_sends_it_once(offline_context, live_app):
    page = open_report_form(offline_context)
    description = unique_description("503")
    fill_report(page, description)
    with FlakyNetwork(live_app) as network:
        network.fail_next("/reports/new", "answer_503")
        send_report(page)
        # Wait for the phone to have taken the 503 in before leaving the page.
        expect(page.locator("#messages")).to_contain_text(re.compile("Tersimpan|terkirim"))
        # The next try comes by itself: Background Sync at once, or the next page load.
        page.goto("/outbox")
        expect(badge(page)).to_be_hidden(timeout=20000)
    assert network.posts_to("/reports/new") == [503, "app"]
    assert reports_with(live_app, description) == [1]
    # It went out from the outbox (the page that sent it first had shown the 503 as "saved").
    expect(page.locator(".outbox-receipt")).to_have_count(1)


def test_c_a_connection_lost_after_the_save_creates_no_second_report(offline_context, live_app):
    page = open_report_form(offline_context)
    description = unique_description("putus")
    fill_report(page, description)
    with FlakyNetwork(live_app) as network:
        network.fail_next("/reports/new", "drop_after_save")
        send_report(page)
        # Saved, but the phone never heard: it keeps the report ("saved on this phone") and
        # sends it again by itself (Background Sync at once, or the next page load).
        expect(page.locator("#messages")).to_contain_text(re.compile("Tersimpan|terkirim"))
        page.reload()
        expect(badge(page)).to_be_hidden(timeout=20000)
    assert network.posts_to("/reports/new")[0] == "dropped"
    assert network.posts_to("/reports/new")[1:] == ["app"]
    assert reports_with(live_app, description) == [1]
    page.goto("/outbox")
    expect(page.locator(".outbox-receipt")).to_have_count(1)  # the office's answer is kept


def test_e_the_outbox_survives_closing_the_browser(playwright, live_server, live_app, tmp_path):
    with FlakyNetwork(live_app) as network:
        network.down.add("/reports/new")  # no signal, for the worker's Background Sync too
        context = persistent_context(playwright, tmp_path, live_server)
        page = open_report_form(context)
        description = unique_description("tutup")
        fill_report(page, description)
        context.set_offline(True)
        send_report(page)
        expect(badge(page)).to_have_text("1 laporan menunggu")
        assert len(outbox_items(page)) == 1  # committed before the browser closes
        context.close()

        context = persistent_context(playwright, tmp_path, live_server)
        context.set_offline(True)
        page = context.pages[0]
        page.goto("/outbox")
        expect(page.locator(".outbox-item")).to_have_count(1)
        expect(badge(page)).to_have_text("1 laporan menunggu")
        [item] = outbox_items(page)
        assert item["owner"] == "desa" and len(item["files"]) == 1

        # Back online with the session gone: the report waits for its author to log in again.
        context.clear_cookies()
        network.down.clear()
        context.set_offline(False)
        page.reload()
        expect(page.locator(".outbox-item")).to_contain_text("Masuk sebagai desa")
        assert reports_with(live_app, description) == []
        log_in(page, "desa")
        assert wait_for_reports(live_app, description, [1]) == [1]
        expect(badge(page)).to_be_hidden(timeout=20000)
        context.close()
