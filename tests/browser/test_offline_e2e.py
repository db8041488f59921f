"""Offline in the real browser: installable, guidance read offline, the update prompt, the iOS hint."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.offline import persistent_context
from tests.browser.offline import wait_for_worker

IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def offline_context(browser, live_server):
    """A phone-sized context with service workers allowed, as a user's browser has them."""
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, locale="id-ID", service_workers="allow"
    )
    yield context
    context.close()


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


def test_signed_in_pages_and_htmx_fragments_are_not_kept(offline_context):
    page = offline_context.new_page()
    page.goto("/")
    wait_for_worker(page)
    from tests.browser.conftest import log_in

    log_in(page, "petugas")
    page.goto("/auth/password")
    page.goto("/guidance/search?q=visa", wait_until="load")
    page.evaluate("fetch('/guidance/search?q=visa', {headers: {'HX-Request': 'true'}})")
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                if (!name.startsWith('db-static-')) {
                    for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname + new URL(request.url).search);
                }
            }
            return urls;
        }"""
    )
    assert "/auth/password" not in kept
    assert "/guidance/search?q=visa" in kept  # the full page, read while signed in
    assert "/" not in kept
    fragment_kept = page.evaluate(
        """async () => {
            const cache = await caches.open('db-pages-1');
            const kept = await cache.match('/guidance/search?q=visa', {ignoreVary: true});
            return (await kept.text()).includes('<html');
        }"""
    )
    assert fragment_kept  # what is kept is the whole page, never the fragment


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
    live_app.extensions.pop("pwa_version", None)
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
        live_app.extensions.pop("pwa_version", None)


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


