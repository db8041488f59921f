"""Issue 14, point 7: the recap in a real Chromium at 360 px and at A4 print width. Its charts
are drawn (inline SVG, no script), fit the page without a sideways scroll, and the numbers in
the tables beside them are the figures computed again from the database."""

from datetime import date

import pytest
from playwright.sync_api import expect

from extensions import db
from tests.browser.conftest import PHONE
from tests.browser.conftest import log_in
from tests.recap_expected import BLOCKS
from tests.recap_expected import as_figures
from tests.recap_expected import assert_matches
from tests.recap_expected import expected_cells
from tests.recap_expected import seed_period_reports

pytestmark = pytest.mark.e2e

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))
# Villages no other browser test's officer or official has: their reports stay out of the way.
RECAP_VILLAGES = ("Pecong", "Pulau Terong")
# An A4 page's width at 96 dpi: 210 mm.
A4 = {"width": 794, "height": 1123}
ROWS_SCRIPT = """(rows) => rows.map((row) => [
  ...row.querySelector('th').textContent.trim().split(' · '),
  ...Array.from(row.querySelectorAll('td'), (cell) => cell.textContent.trim())])"""


@pytest.fixture(scope="module")
def seeded_january(live_app):
    with live_app.app_context():
        seed_period_reports(count=40, seed=7, villages=RECAP_VILLAGES)
        db.session.remove()


def table_figures(page, block):
    rows = page.locator(f"#table-{block} tbody tr, #table-{block} tfoot tr").evaluate_all(ROWS_SCRIPT)
    columns = len(BLOCKS[block])
    rows = [row if len(row) == columns + 2 else [row[0], *[""] * (columns - 1), *row[1:]] for row in rows]
    return as_figures(block, rows, columns)


def check_charts_and_numbers(page, expected, width):
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(len(BLOCKS) - 1)  # every block but the summary is drawn
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 0 and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        labelled = chart.get_attribute("aria-labelledby")
        assert chart.get_attribute("role") == "img"
        assert page.locator(f"#{labelled}").text_content().strip()
        bars = chart.locator("rect.bar-current")
        assert any(bars.nth(bar).bounding_box()["width"] > 0 for bar in range(bars.count()))
    for block in BLOCKS:
        assert_matches(expected, block, *table_figures(page, block))


def test_the_recap_charts_render_and_match_the_database_at_360_px_and_on_a4(
        new_context_page, live_app, seeded_january):
    page = new_context_page
    expected = expected_cells(live_app, None, *JANUARY)
    assert sum(expected["summary"][("Laporan",)]) >= 20
    log_in(page, "admin")
    page.goto("/recap/?date_from=2026-01-01&date_to=2026-01-31")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_charts_and_numbers(page, expected, PHONE["width"])

    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator("#table-village_category thead th").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4["width"]
    check_charts_and_numbers(page, expected, A4["width"])
    assert page.pdf(format="A4")[:4] == b"%PDF"


@pytest.fixture
def new_context_page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="id-ID")
    yield context.new_page()
    context.close()
