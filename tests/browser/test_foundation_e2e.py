"""Each demo account at phone size: log in, see the role's page, switch language, log out."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.conftest import serious_axe_violations

ROLE_LABELS = {
    "desa": ("Perangkat desa", "Village official"),
    "petugas": ("Petugas PIMPASA", "PIMPASA officer"),
    "admin": ("Admin kantor", "Office admin"),
}


@pytest.mark.parametrize("username", ["desa", "petugas", "admin"])
def test_each_role_at_phone_size(page, username):
    log_in(page, username)
    indonesian, english = ROLE_LABELS[username]
    header = page.locator(".site-header")
    assert indonesian in header.inner_text()
    assert page.locator("html").get_attribute("lang") == "id"
    # Nothing is wider than the phone: no sideways scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click("button[name=lang][value=en]")
    # An expect, not a string to evaluate: the page's CSP forbids eval while Playwright polls.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert english in page.locator(".site-header").inner_text()
    assert page.locator("nav.site-nav").inner_text().strip() != ""

    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"  # remembered

    page.click("button[name=lang][value=id]")  # leave the profile as the next test expects
    expect(page.locator("html")).to_have_attribute("lang", "id")
    with page.expect_navigation():
        page.click(".logout-form button")
    assert "Masuk" in page.locator(".site-header").inner_text()


def test_touch_targets_and_focus(page):
    page.goto("/auth/login")
    for selector in ["button[name=lang]", "main form button", ".site-nav a"]:
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44, selector
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_login_page_accessibility(page):
    page.goto("/auth/login")
    assert serious_axe_violations(page) == []


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    log_in(page, "desa")
    assert "Perangkat desa" in page.locator(".site-header").inner_text()
    context.close()


def test_no_console_errors_from_csp(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert errors == []
