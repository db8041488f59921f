"""The review queue: who sees what, tabs with counts, filters, search, orders, pages, htmx and
plain requests, waiting times and overdue reports, and the navigation badge."""

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain import Category
from domain import Status
from domain import Urgency
from extensions import db
from models import Person
from models import Report
from services.queue import ROW_COLUMNS
from tests import factories
from tests.review_support import HX
from tests.review_support import make_officer
from tests.review_support import post_action
from tests.review_support import queue_rows_by_code
from tests.review_support import report_in


def listed(response):
    """The reference codes of the queue's rows, in order."""
    return re.findall(r'<strong class="code">([A-Z0-9-]+)</strong>', response.data.decode())


def tab_counts(response):
    return {tab: int(count) for tab, count in re.findall(
        r'data-tab="(\w+)"[^>]*>[^<]*<span class="count">(\d+)</span>', response.data.decode())}


def days_ago(days, hours=0):
    return datetime.now(UTC) - timedelta(days=days, hours=hours)


@pytest.fixture
def codes(app):
    """Reports in three villages: two of the demo officer's and one that is not."""
    with app.app_context():
        made = {
            "old_normal": factories.make_report(created_at=days_ago(9), updated_at=days_ago(1)),
            "new_urgent": factories.make_report(urgency=Urgency.URGENT, created_at=days_ago(1)),
            "old_urgent": factories.make_report(
                "Sekanak Raya", urgency=Urgency.URGENT, created_at=days_ago(5),
                category=Category.WORKING, updated_at=days_ago(4)),
            "tip": factories.make_report(
                "Pemping", reporter=None, category=Category.SEA_ARRIVAL, created_at=days_ago(2),
                description="A small boat landed at night near the mangroves."),
            "closed": factories.make_report(status=Status.CLOSED, outcome="no_violation",
                                            created_at=days_ago(30), updated_at=days_ago(20)),
            "elsewhere": factories.make_report("Kasu", created_at=days_ago(3)),
        }
        return {name: report.code for name, report in made.items()}


def test_officer_sees_only_assigned_villages(client, auth, codes):
    auth.sign_in_as("petugas")
    shown = listed(client.get("/review/?status=all"))
    assert codes["elsewhere"] not in shown
    assert set(shown) == set(codes.values()) - {codes["elsewhere"]}


def test_admin_sees_all(client, auth, codes):
    auth.sign_in_as("admin")
    assert set(listed(client.get("/review/?status=all"))) == set(codes.values())


def test_officials_and_visitors_have_no_queue(client, auth):
    assert client.get("/review/").status_code == 302
    auth.sign_in_as("desa")
    assert client.get("/review/").status_code == 403


def test_default_order_is_urgent_first_then_longest_waiting(client, auth, codes):
    auth.sign_in_as("petugas")
    assert listed(client.get("/review/")) == [
        codes["old_urgent"], codes["new_urgent"], codes["old_normal"], codes["tip"]]


def test_newest_and_last_activity_orders(client, auth, codes):
    auth.sign_in_as("petugas")
    assert listed(client.get("/review/?sort=newest")) == [
        codes["new_urgent"], codes["tip"], codes["old_urgent"], codes["old_normal"]]
    assert listed(client.get("/review/?sort=activity"))[-2:] == [
        codes["old_normal"], codes["old_urgent"]]


def test_tabs_count_reports_per_status(app, client, auth, codes):
    auth.sign_in_as("petugas")
    with app.app_context():
        report_in(Status.NEEDS_INFO)
    counts = tab_counts(client.get("/review/"))
    assert counts == {"open": 5, "new": 4, "in_review": 0, "needs_info": 1, "field_check": 0,
                      "forwarded": 0, "closed": 1, "all": 6}
    assert listed(client.get("/review/?status=closed")) == [codes["closed"]]


def test_counts_follow_new_reports_and_moves(app, client, auth, codes):
    auth.sign_in_as("petugas")
    assert tab_counts(client.get("/review/"))["new"] == 4
    with app.app_context():
        report_id = report_in(Status.NEW)
    assert tab_counts(client.get("/review/"))["new"] == 5
    post_action(client, app, report_id, "move", {"to": "in_review"})
    counts = tab_counts(client.get("/review/"))
    assert (counts["new"], counts["in_review"]) == (4, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("village={sekanak}", ["old_urgent"]),
        ("category=sea_arrival", ["tip"]),
        ("urgency=urgent", ["old_urgent", "new_urgent"]),
        ("source=resident", ["tip"]),
        ("urgency=normal&source=official", ["old_normal"]),
        ("date_from={d4}", ["new_urgent", "tip"]),
        ("date_to={d4}", ["old_urgent", "old_normal"]),
        ("date_from={d6}&date_to={d4}", ["old_urgent"]),
    ],
)
def test_filters(app, client, auth, codes, query, expected):
    auth.sign_in_as("petugas")
    with app.app_context():
        sekanak = factories.village("Sekanak Raya").id

    def jakarta_day(days):
        return (days_ago(days) + timedelta(hours=7)).date().isoformat()

    url = "/review/?" + query.format(sekanak=sekanak, d4=jakarta_day(4), d6=jakarta_day(6))
    assert listed(client.get(url)) == [codes[name] for name in expected]


def test_assignee_filter(app, client, auth, codes):
    auth.sign_in_as("petugas")
    with app.app_context():
        mine = db.session.scalar(db.select(Report).where(Report.code == codes["tip"]))
        mine.assignee = factories.user("petugas")
        other = db.session.scalar(db.select(Report).where(Report.code == codes["old_normal"]))
        other.assignee = make_officer("rekan", ["Tanjung Sari"])
        db.session.commit()
    assert listed(client.get("/review/?assignee=me")) == [codes["tip"]]
    assert listed(client.get("/review/?assignee=unassigned")) == [
        codes["old_urgent"], codes["new_urgent"]]
    assert len(listed(client.get("/review/?assignee=anyone"))) == 4
    assert tab_counts(client.get("/review/?assignee=me"))["open"] == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("code", ["tip"]),
        ("mangroves", ["tip"]),
        ("BOAT night", ["tip"]),
        ("boat city", []),
        ("guests", ["old_urgent", "new_urgent", "closed", "old_normal"]),
        ("Tan Wei", ["new_urgent"]),
        ("wei", ["new_urgent"]),
        ("x1234567", ["new_urgent"]),
        ("100%", []),
    ],
)
def test_search(app, client, auth, codes, typed, expected):
    auth.sign_in_as("petugas")
    with app.app_context():
        report = db.session.scalar(db.select(Report).where(Report.code == codes["new_urgent"]))
        report.persons.append(Person(name="Tan Wei Ming", nationality="MY", passport_no="X1234567"))
        db.session.commit()
    if typed == "code":
        typed = codes["tip"].replace("-", " ").lower()
    assert listed(client.get("/review/", query_string={"q": typed})) == [codes[n] for n in expected]


def test_a_search_from_the_first_tab_looks_in_every_status(client, auth, codes):
    auth.sign_in_as("petugas")
    response = client.get("/review/", query_string={"q": codes["closed"]})
    assert listed(response) == [codes["closed"]]
    assert 'data-tab="all" href="/review/?status=all&amp;q=' in response.data.decode()
    assert 'aria-current="page">Semua' in response.data.decode()
    assert listed(client.get("/review/", query_string={"q": codes["closed"], "status": "new"})) == []


def test_pages(app, client, auth):
    auth.sign_in_as("petugas")
    with app.app_context():
        made = [factories.make_report(created_at=days_ago(20 - n)).code for n in range(7)]
    first = client.get("/review/?per_page=3")
    assert listed(first) == made[:3]
    assert 'rel="next" href="/review/?page=2&amp;per_page=3"' in first.data.decode()
    last = client.get("/review/?per_page=3&page=3")
    assert listed(last) == made[6:]
    assert 'rel="next"' not in last.data.decode() and 'rel="prev"' in last.data.decode()


@pytest.mark.parametrize(
    "query",
    ["status=approved", "village=999", "village=abc", "category=x", "urgency=x", "source=x",
     "assignee=boss", "sort=random", "date_from=28-11-2026", "date_to=2026-02-30", "page=0",
     "page=x", "per_page=1000", "q=" + "x" * 500],
)
def test_bad_filters_get_a_clear_message_not_an_error(app, client, auth, codes, query):
    auth.sign_in_as("petugas")
    with app.app_context():
        kasu = factories.village("Kasu").id
    response = client.get("/review/?" + query.replace("999", str(kasu)))
    if query.startswith("q="):
        assert response.status_code == 200
        return
    assert response.status_code == 422
    assert "tidak dapat dipakai" in response.data.decode()
    assert len(listed(response)) == 4  # the other filters still apply


def test_htmx_gets_the_results_fragment_with_a_shareable_address(client, auth, codes):
    auth.sign_in_as("petugas")
    response = client.get("/review/?q=&village=&category=sea_arrival&sort=default", headers=HX)
    page = response.data.decode()
    assert page.startswith('<section id="queue-results"') and "<html" not in page
    assert response.headers["HX-Push-Url"] == "/review/?category=sea_arrival"
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/review/?category=sea_arrival")
    assert "<html" in full.data.decode() and listed(full) == listed(response)


def test_back_button_restore_gets_the_whole_page(client, auth, codes):
    auth.sign_in_as("petugas")
    response = client.get("/review/?category=sea_arrival", headers={
        **HX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.data.decode()
    assert 'id="queue-filters"' in response.data.decode()


def test_the_filter_form_works_without_javascript(client, auth, codes):
    auth.sign_in_as("petugas")
    page = client.get("/review/").data.decode()
    form = page.split('<form id="queue-filters"')[1].split("</form>")[0]
    assert 'method="get" action="/review/"' in form
    assert 'hx-push-url="true"' in form and 'hx-target="#queue-results"' in form
    assert 'name="status" value="open" form="queue-filters"' in page


def test_waiting_time_and_overdue_reports_stand_out(app, client, auth):
    auth.sign_in_as("petugas")
    with app.app_context():
        late = factories.make_report(created_at=days_ago(8)).code
        fresh = factories.make_report(created_at=days_ago(0, hours=3.5)).code
        reviewed = report_in(Status.IN_REVIEW, created_at=days_ago(8))
    rows = queue_rows_by_code(client.get("/review/").data.decode())
    assert rows[late].startswith(" overdue") and "Terlambat" in rows[late]
    assert "8 hari" in rows[late]
    assert "overdue" not in rows[fresh][:20] and "3 jam" in rows[fresh]
    with app.app_context():
        reviewed_code = db.session.get(Report, reviewed).code
    assert "overdue" not in rows[reviewed_code][:20]


def test_rows_name_the_first_person_and_how_many_more(app, client, auth):
    auth.sign_in_as("petugas")
    with app.app_context():
        three = factories.make_report(persons=3).code
        unnamed = factories.make_report(persons=1)
        unnamed.persons[0].name = ""
        unnamed = unnamed.code
        db.session.commit()
        nobody = factories.make_report(persons=0).code
    rows = queue_rows_by_code(client.get("/review/").data.decode())
    assert "Person 1 dan 2 lainnya" in rows[three] and "Person 2" not in rows[three]
    assert "nama tidak diketahui" in rows[unnamed]
    assert "Person" not in rows[nobody]


def test_review_deadline_is_configurable(app, client, auth):
    auth.sign_in_as("petugas")
    app.config["REVIEW_DUE_WORKING_DAYS"] = 30
    with app.app_context():
        code = factories.make_report(created_at=days_ago(8)).code
    page = client.get("/review/").data.decode()
    row = page.split(code)[1].split("</li>")[0]
    assert "Terlambat" not in row


def test_badge_counts_new_and_urgent_reports_of_own_villages(client, auth, codes):
    auth.sign_in_as("petugas")
    response = client.get("/review/badge", headers=HX)
    fragment = response.data.decode()
    assert "<html" not in fragment
    assert "4 baru" in fragment and "2 mendesak" in fragment  # Kasu's report is not counted


def test_badge_is_in_the_navigation_for_the_office_only(client, auth):
    auth.sign_in_as("petugas")
    page = client.get("/").data.decode()
    assert 'hx-get="/review/badge" hx-trigger="load, every 60s"' in page
    auth.sign_in_as("desa")
    assert "/review/badge" not in client.get("/").data.decode()
    assert client.get("/review/badge").status_code == 403


def test_a_rows_first_person_is_read_from_the_index_in_order(app):
    """The queue's first-person column reads a report's persons in order from one index: with
    report_id alone, PostgreSQL without statistics walked the whole persons primary key instead
    (bench/README.md), about 134,000 rows per row shown at 1,000,000 reports."""
    with app.app_context():
        statement = select(Report.id, ROW_COLUMNS[-2]).where(Report.id == 1)
        compiled = statement.compile(db.engine)
        connection = db.session.connection()
        if db.engine.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled}",
                tuple(compiled.params[name] for name in compiled.positiontup)))
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(row[0] for row in connection.exec_driver_sql(
                f"EXPLAIN {compiled}", compiled.params))
        db.session.rollback()
    assert "ix_persons_report_id_id" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
