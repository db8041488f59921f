"""Guidance in the system Chromium at phone size: accessibility, live and no-JS search, print."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.e2e

LANGUAGES = ("id", "en")
PAGES = ("/guidance/", "/guidance/penalties", "/guidance/search?q=paspor")


BROWSER_LOCALES = {"id": "id-ID", "en": "en-US"}


@pytest.fixture
def open_in(browser, live_server):
    """Open a page as a first-time visitor whose browser prefers a language (its own context)."""
    contexts = []

    def open_page(path, lang, **options):
        locale = BROWSER_LOCALES[lang]
        context = browser.new_context(base_url=live_server, viewport=PHONE, locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == lang
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_guidance_pages_have_no_serious_accessibility_violations(open_in, path, lang):
    page = open_in(path, lang)
    assert serious_axe_violations(page) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_articles_fit_a_phone_screen(open_in, lang):
    page = open_in("/guidance/", lang)
    links = page.locator(".guidance-group a.card-title")
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    slugs = [href.rsplit("/", 1)[1] for href in hrefs]
    assert len(slugs) >= 19 and len(set(slugs)) == len(slugs)
    for slug in slugs:
        page.goto(f"/guidance/{slug}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], slug


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_index_is_about_three_phone_screens(open_in, lang):
    """Issue 12, point 6: each article once, grouped, at most about three screens at 360 px."""
    page = open_in("/guidance/", lang)
    main = page.evaluate("document.querySelector('main').getBoundingClientRect().height")
    assert main <= 3 * PHONE["height"], main
    page.locator(".guidance-jump a[href='#group-landlords']").click()
    assert page.evaluate("location.hash") == "#group-landlords"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_penalty_note_folds_its_detail(open_in, lang):
    page = open_in("/guidance/penalties", lang)
    details = page.locator(".penalty-note details")
    assert details.count() == 1
    assert not page.locator(".penalty-note details li").first.is_visible()
    page.locator(".penalty-note summary").click()
    assert page.locator(".penalty-note details li").first.is_visible()


def test_results_update_as_one_types(open_in):
    page = open_in("/guidance/", "en")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#guidance-q").press_sequentially("Nunukan", delay=30)
    result = page.locator("#search-results a[href='/guidance/signs-of-violations']")
    result.wait_for()
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place, no page load
    page.wait_for_url("**/guidance/search?q=Nunukan")
    assert errors == []
    page.reload()  # the pushed address is a real page
    assert page.locator("#search-results a[href='/guidance/signs-of-violations']").count() == 1


def test_search_works_without_javascript(open_in):
    page = open_in("/guidance/", "id", java_script_enabled=False)
    page.fill("#guidance-q", "homestay")
    page.locator("form[role=search] button").click()
    page.wait_for_url("**/guidance/search?q=homestay")
    assert page.locator("#search-results a[href='/guidance/lodging-report-duty']").count() == 1


def test_print_hides_navigation_and_spells_out_source_addresses(open_in):
    page = open_in("/guidance/lodging-report-duty", "en")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-header").is_visible()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.sources a'), '::after').content"
    )
    assert "https://" in after
