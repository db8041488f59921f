"""Issue 13 through the test client: the navigation by role, the folded report form, the report
page's order and its out-of-band timeline, the recap's periods and totals, and link texts that say
where they go. The browser measures the same pages at 360 x 740 (tests/browser/test_phone_e2e.py)."""

import csv
import io
from datetime import date

import pytest
from bs4 import BeautifulSoup

from domain import Status
from domain.calendar import default_preset
from domain.calendar import preset_period
from extensions import db
from tests.factories import make_report
from tests.report_helpers import page_of

MAIN_LINKS = {
    None: ["/guidance/", "/tips/new", "/tips/status"],
    "desa": ["/reports/new", "/reports/"],
    "petugas": ["/review/"],
    "admin": ["/review/", "/recap/", "/admin/"],
}


@pytest.mark.parametrize("username", list(MAIN_LINKS))
def test_each_role_has_its_main_tasks_outside_the_menu(auth, client, username):
    if username:
        auth.sign_in_as(username)
    nav = page_of(client.get("/")).select_one("nav.site-nav")
    main = [a["href"] for a in nav.select(".nav-main > li > a")]
    assert main == MAIN_LINKS[username]
    menu = nav.select_one("details.nav-more")
    assert menu.select_one("summary").get_text(strip=True) == "Menu"
    secondary = [a["href"] for a in menu.select("a")]
    assert "/" in secondary and not set(secondary) & set(main)
    if username == "petugas":
        assert "/recap/" in secondary
    if username == "admin":
        assert "/audit/" in secondary


def test_the_officials_link_counts_the_reports_waiting_for_an_answer(app, auth, client):
    with app.app_context():
        make_report(status=Status.NEEDS_INFO)
        make_report(status=Status.NEEDS_INFO)
        make_report(village_name="Kasu", status=Status.NEEDS_INFO)  # another village
    auth.sign_in_as("desa")
    badge = page_of(client.get("/guidance/")).select_one(".nav-main a[href='/reports/'] .badge")
    assert badge.get_text(" ", strip=True) == "2 menunggu jawaban Anda"


def test_the_report_form_folds_what_is_optional_and_keeps_every_field(auth, client):
    auth.sign_in_as("desa")
    form = page_of(client.get("/reports/new")).select_one("form[data-report-form]")
    for fold, names in (("#location-fold", ["latitude", "longitude", "accuracy_m"]),
                        ("#photos-fold", ["photos"]),
                        ("#person-0 details", ["persons-0-birth_date", "persons-0-passport_no",
                                               "persons-0-permit_type"])):
        details = form.select_one(fold)
        assert not details.has_attr("open"), fold
        assert [details.select_one(f"[name='{name}']") is not None for name in names] == [True] * len(names)
    # One hint per category, shown by CSS for the chosen one; one law link per category.
    hints = form.select("#category .choice-hint")
    assert len(hints) == 6
    assert all(len(hint.select("a")) <= 1 for hint in hints)
    assert form.select_one("#category a").get_text(" ", strip=True).startswith("Apa kata hukum")


def test_a_form_sent_back_opens_the_folds_that_hold_something(auth, client):
    auth.sign_in_as("desa")
    response = client.post("/reports/new", data={
        "latitude": "1.1", "longitude": "200", "persons-0-passport_no": "A123", "description": "short"})
    form = page_of(response).select_one("form[data-report-form]")
    assert form.select_one("#location-fold").has_attr("open")
    assert form.select_one("#person-0 details").has_attr("open")


def test_a_reports_status_and_actions_come_first_and_the_timeline_last(app, auth, client):
    with app.app_context():
        report_id = make_report().id
    auth.sign_in_as("petugas")
    page = page_of(client.get(f"/review/{report_id}"))
    order = [tag.get("id") for tag in page.select("main [id]")
             if tag.get("id") in ("report-workspace", "what-title", "persons-title", "related-title",
                                  "report-timeline")]
    assert order == ["report-workspace", "what-title", "persons-title", "related-title", "report-timeline"]

    version = page.select_one("#report-workspace input[name=version]")["value"]
    response = client.post(f"/review/{report_id}/move", data={"to": "in_review", "version": version},
                           headers={"HX-Request": "true"})
    fragment = BeautifulSoup(response.data.decode(), "html.parser")
    timeline = fragment.select_one("#report-timeline")
    assert timeline["hx-swap-oob"] == "true"
    assert "Ditinjau PIMPASA" in timeline.get_text()


def test_the_queue_folds_search_and_filters_and_keeps_them_open_when_used(auth, client):
    auth.sign_in_as("petugas")
    page = page_of(client.get("/review/"))
    assert not page.select_one("#queue-filters details.filter-more").has_attr("open")
    assert [a["data-tab"] for a in page.select(".tabs > ul > li > a")] == ["open", "all"]
    assert page.select_one(".tabs-more a[data-tab=closed]") is not None
    page = page_of(client.get("/review/?q=kapal&status=closed"))
    assert page.select_one("#queue-filters details.filter-more").has_attr("open")
    assert [a["data-tab"] for a in page.select(".tabs > ul > li > a")] == ["open", "all", "closed"]
    assert page.select_one(".tabs-more a[data-tab=closed]") is None


@pytest.mark.parametrize(("today", "preset", "period"), [
    (date(2026, 12, 15), "this_month", (date(2026, 12, 1), date(2026, 12, 15))),
    (date(2026, 12, 15), "last_month", (date(2026, 11, 1), date(2026, 11, 30))),
    (date(2026, 1, 3), "last_month", (date(2025, 12, 1), date(2025, 12, 31))),
    (date(2026, 3, 1), "last_month", (date(2026, 2, 1), date(2026, 2, 28))),
    (date(2026, 12, 15), "this_quarter", (date(2026, 10, 1), date(2026, 12, 15))),
    (date(2026, 2, 10), "this_quarter", (date(2026, 1, 1), date(2026, 2, 10))),
])
def test_recap_presets(today, preset, period):
    assert preset_period(preset, today) == period


def test_the_recap_opens_on_last_month_in_a_months_first_week():
    assert default_preset(date(2026, 12, 1)) == "last_month"
    assert default_preset(date(2026, 12, 8)) == "this_month"


def test_the_recap_offers_presets_and_totals_every_column(app, auth, client):
    with app.app_context():
        make_report(urgency="urgent")
        make_report(village_name="Pemping", reporter=None)
        db.session.commit()
    auth.sign_in_as("admin")
    page = page_of(client.get("/recap/?period=this_month"))
    chosen = page.select(".presets a[aria-current=page]")
    assert [a["href"] for a in chosen] == ["/recap/?period=this_month"]
    assert not page.select_one("details.fold:has(#date_from)").has_attr("open")
    # Each figure beside the previous period's, and a total for both.
    for block in ("village_category", "status", "officer"):
        totals = [td.get_text(strip=True) for td in page.select(f"#table-{block} tfoot td")]
        assert totals == ["2", "0"], block
    assert all(td.has_attr("data-label") for td in page.select(".figure-table td"))

    own = page_of(client.get("/recap/?date_from=2026-01-01&date_to=2026-01-31"))
    assert own.select(".presets a[aria-current=page]") == []
    assert own.select_one("details.fold:has(#date_from)").has_attr("open")

    rows = list(csv.reader(io.StringIO(client.get("/recap/recap.csv?period=this_month").data.decode())))
    assert ["Jumlah", "", "2", "0"] in rows and ["Laporan mendesak", "1", "0"] in rows


def test_guidance_links_say_where_they_go(app, client):
    library = app.extensions["guidance"]
    for lang in ("id", "en"):
        for article in library.articles(lang):
            for link in BeautifulSoup(article.html, "html.parser").select("a"):
                text = link.get_text(strip=True)
                assert not text.startswith(("/", "http")), (lang, article.slug, text)
