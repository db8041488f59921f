"""The queue and the detail page run a fixed number of SQL statements, however many rows,
persons, events or related reports they show (no N+1). Speed itself is measured in bench/."""

import re
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy import text

from domain import EventKind
from extensions import db
from models import Event
from models import Person
from models import Photo
from models import RecordMerge
from tests import factories
from tests.conftest import USING_POSTGRES
from tests.review_support import make_officer


@contextmanager
def counted(app):
    """Collect every statement the app sends to the database meanwhile."""
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_for(app, client, url):
    client.get(url)  # the same warm state for every measured request (counts cache filled)
    with counted(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements, response.data.decode()


@pytest.fixture
def many_reports(app):
    """60 reports across the officer's villages, each with persons and different assignees."""
    with app.app_context():
        officers = [factories.user("petugas"), make_officer("rekan", ["Tanjung Sari", "Pemping"])]
        start = datetime.now(UTC) - timedelta(days=60)
        for number in range(60):
            factories.make_report(
                ["Tanjung Sari", "Sekanak Raya", "Pemping"][number % 3], persons=1 + number % 3,
                created_at=start + timedelta(hours=number), assignee=officers[number % 2],
                urgency="urgent" if number % 7 == 0 else "normal", commit=False)
        db.session.commit()


@pytest.mark.parametrize("user", ["petugas", "admin"])
@pytest.mark.parametrize("query", ["", "sort=newest&", "q=guests&", "category=lodging&status=all&"])
def test_queue_statements_do_not_grow_with_rows(app, client, auth, many_reports, user, query):
    auth.sign_in_as(user)
    few, few_page = statements_for(app, client, f"/review/?{query}per_page=5")
    many, many_page = statements_for(app, client, f"/review/?{query}per_page=50")
    assert few_page.count('class="card queue-row') == 5
    assert many_page.count('class="card queue-row') == 50
    assert len(few) == len(many)
    assert len(many) <= 7, many


def test_detail_statements_do_not_grow_with_what_it_shows(app, client, auth):
    with app.app_context():
        officers = [factories.user("petugas"), factories.user("admin"),
                    make_officer("rekan", ["Tanjung Sari"])]
        small = factories.make_report(persons=1)
        big = factories.make_report(persons=12)
        for number in range(30):
            big.events.append(Event(kind=EventKind.NOTE, actor=officers[number % 3],
                                    text=f"note {number}", visible_to_reporter=False))
        for number in range(3):
            big.photos.append(Photo(stored_name=f"p{number}.jpg", thumb_name=f"t{number}.jpg",
                                    sha256="0" * 64, size_bytes=1, width=1, height=1))
        for number in range(8):  # matches by passport, in two villages
            twin = factories.make_report(["Pemping", "Sekanak Raya"][number % 2], persons=0)
            twin.persons.append(Person(name="Twin", nationality="SG", passport_no="K0000003"))
        db.session.commit()
        small_id, big_id = small.id, big.id
    auth.sign_in_as("petugas")
    few, _page = statements_for(app, client, f"/review/{small_id}")
    many, page = statements_for(app, client, f"/review/{big_id}")
    assert page.count('class="event event-note') == 30
    # the 8 twins, and the small report: same village, same week, "Person 1" in both
    assert len(re.findall(r'<li>\s*<a href="/review/\d+" class="code">', page)) == 9
    assert len(few) == len(many), (few, many)
    assert len(many) <= 14, many


def test_the_person_page_runs_a_fixed_number_of_statements(app, client, auth):
    with app.app_context():
        seen = factories.person_seen
        small = seen("Tanjung Sari", "Lee Wei Jie", nationality="SG", passport="S1", photos=1)
        big = seen("Tanjung Sari", "Tan Mei Ling", nationality="SG", passport="S2", photos=2)
        for number in range(12):  # 7 in the officer's villages, 4 in Kasu
            seen(["Pemping", "Sekanak Raya", "Kasu"][number % 3], "Tan Mei Ling", nationality="SG",
                 passport="S2", photos=number % 3)
        small_id, big_id = small.record_id, big.record_id
        db.session.add(RecordMerge(kept_id=big_id, merged_id=small_id, person_ids="[]",
                                   created_at=datetime.now(UTC)))
        db.session.commit()
    auth.sign_in_as("petugas")
    few, _page = statements_for(app, client, f"/persons/{small_id}")
    many, page = statements_for(app, client, f"/persons/{big_id}")
    assert page.count('class="event sighting"') == 9
    assert len(few) == len(many), (few, many)
    assert len(many) <= 7, many


def detail_report(app, events=1, related=1, persons=1, photos=1, age_days=0):
    """A Tanjung Sari report whose page shows `events` timeline entries (the `created` one among
    them, the rest by three officers in turn), `related` reports sharing a passport number (in
    the officer's two other villages, each with two named persons), `persons` and `photos`.
    Names and passports are its own, and `age_days` keeps reports out of each other's week."""
    with app.app_context():
        officers = [factories.user("petugas"), factories.user("admin"),
                    factories.user("rekan")]
        created = datetime.now(UTC) - timedelta(days=age_days)
        report = factories.make_report(persons=0, created_at=created)
        passports = [f"X{report.id:03d}{number:04d}" for number in range(persons)]
        for number, passport in enumerate(passports):
            report.persons.append(Person(name=f"Zhou {report.id} {'ABCDEFGH'[number]}",
                                         nationality="CN", passport_no=passport))
        for number in range(events - 1):
            report.events.append(Event(kind=EventKind.NOTE, actor=officers[number % 3],
                                       text=f"note {number}", visible_to_reporter=False))
        for number in range(photos):
            report.photos.append(Photo(stored_name=f"{report.id}-{number}.jpg",
                                       thumb_name=f"{report.id}-{number}-t.jpg", sha256="0" * 64,
                                       size_bytes=1, width=1, height=1))
        for number in range(related):
            twin = factories.make_report(["Pemping", "Sekanak Raya"][number % 2], persons=0,
                                         created_at=created - timedelta(days=400 + number))
            twin.persons.append(Person(name=f"Chow {report.id}", nationality="HK",
                                       passport_no=passports[0]))
            twin.persons.append(Person(name=f"Companion {number}", nationality="HK"))
        db.session.commit()
        return report.id


@pytest.mark.parametrize(("shown", "few", "many"), [
    ({"events": 1}, 1, 20),
    ({"related": 1}, 1, 10),
    ({"persons": 1, "photos": 1}, 1, 5),
])
def test_detail_statements_stay_the_same_for_more_of_each_section(app, client, auth, shown, few, many):
    """1 against 20 timeline events, 1 against 10 related reports, 1 against 5 persons and 5
    photos: the same statements. A lazy load per row (an event's actor, a related report's
    village or persons) would add one statement per row of the bigger page."""
    with app.app_context():
        make_officer("rekan", ["Tanjung Sari"])
    small = detail_report(app, **dict.fromkeys(shown, few), age_days=30)
    big = detail_report(app, **dict.fromkeys(shown, many), age_days=60)
    auth.sign_in_as("petugas")
    few_statements, few_page = statements_for(app, client, f"/review/{small}")
    many_statements, many_page = statements_for(app, client, f"/review/{big}")
    key = next(iter(shown))
    row = {"events": r'<li class="event event-', "related": r'<li>\s*<a href="/review/\d+" class="code">',
           "persons": r"<strong>Zhou \d+ [A-H]</strong>"}[key]
    assert (len(re.findall(row, few_page)), len(re.findall(row, many_page))) == (few, many)
    if key == "related":
        assert many_page.count("Companion") == many  # each related report's persons shown
    if key == "persons":
        assert many_page.count('loading="lazy"') == many
    assert len(few_statements) == len(many_statements), (few_statements, many_statements)


@pytest.mark.skipif(not USING_POSTGRES, reason="PostgreSQL's session settings")
def test_postgres_sessions_start_no_parallel_workers_and_no_jit(app):
    """Every page's statements read a few rows: a parallel plan's workers or JIT compilation
    would cost more than they save (bench/README.md has the figures)."""
    with app.app_context():
        settings = [db.session.execute(text(f"SHOW {name}")).scalar()
                    for name in ("max_parallel_workers_per_gather", "jit", "synchronous_commit")]
    assert settings == ["0", "off", "off"]  # and the tests' own option is kept beside them
