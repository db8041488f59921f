"""The queue's search through the full-text index (services/search.py), on SQLite and PostgreSQL:
names whatever their accents, word order or one typo, passport numbers, reference codes and
description words, in every status and only in the villages the user may see; the index kept in
step with every write, in the write's own transaction."""

import uuid
from datetime import UTC
from datetime import datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import table
from sqlalchemy import update

from domain import Status
from extensions import db
from models import Person
from models import Report
from models import Village
from services import search
from tests import factories
from tests.conftest import USING_POSTGRES
from tests.report_helpers import post_form
from tests.report_helpers import report_data
from tests.test_review_queue import listed


def found(typed, villages=None):
    """The codes of every report the index finds for `typed`, in the named villages or in any
    (app context)."""
    village_ids = None if villages is None else [factories.village(name).id for name in villages]
    matches = search.matching_reports(typed, db.engine.dialect.name, village_ids)
    if matches is None:
        return set()
    return set(db.session.scalars(select(Report.code).where(Report.id.in_(matches))))


def index_rows():
    """How many reports the index holds."""
    return db.session.scalar(select(func.count()).select_from(table(search.TABLE)))


@pytest.fixture
def seen(app):
    """A closed report with a Vietnamese man written with his accents, and others around it."""
    with app.app_context():
        closed = factories.make_report(
            persons=0, status=Status.CLOSED, outcome="no_violation",
            description="Fishing crew member stayed at the floating house for two nights.")
        closed.persons.append(Person(name="Nguyễn Văn Thành", nationality="VN",
                                     passport_no="C1234567"))
        other = factories.make_report(persons=0, description="Guests at the homestay.")
        other.persons.append(Person(name="Muhammad Ali Akbar", nationality="MY",
                                    passport_no="A7654321"))
        kasu = factories.make_report("Kasu", persons=0, description="A tourist without a permit.")
        kasu.persons.append(Person(name="Nguyen Van Thanh", nationality="VN",
                                   passport_no="C1234567"))
        db.session.commit()
        return {"closed": closed.code, "other": other.code, "kasu": kasu.code}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nguyen van thanh", {"closed", "kasu"}),  # no accents typed
        ("Thành Nguyễn", {"closed", "kasu"}),  # another order, part of the name
        ("THANH, nguyen", {"closed", "kasu"}),
        ("Ngyuen Thanh", {"closed", "kasu"}),  # two letters swapped
        ("Akbar Muhamad", {"other"}),  # a letter missing, another order
        ("Muhammed", {"other"}),  # a letter wrong
        ("c 123-4567", {"closed", "kasu"}),  # a passport number as people type it
        ("floating", {"closed"}),  # a word of the description
        ("homestay ali", {"other"}),  # description and name words together
        ("homestay thanh", set()),
        ("Nguyen Muhammad", set()),  # every word must be found
        ("floatin", set()),  # typos are forgiven in names only
        ("%", set()),
    ],
)
def test_the_index_finds_names_passports_and_words(app, seen, typed, expected):
    with app.app_context():
        assert found(typed) == {seen[name] for name in expected}


def test_a_reference_code_is_found_exactly(app, seen):
    with app.app_context():
        code = seen["closed"]
        assert found(code.lower().replace("-", " ")) == {code}
        assert found(code[:-1] + ("A" if code[-1] != "A" else "C")) == set()


def test_the_queue_searches_every_status_in_the_users_villages_only(client, auth, seen):
    auth.sign_in_as("petugas")  # Kasu is not one of the officer's villages
    for typed in ("Thanh Nguyen", "C1234567", seen["kasu"]):
        shown = listed(client.get("/review/", query_string={"q": typed}))
        assert seen["kasu"] not in shown
    assert listed(client.get("/review/", query_string={"q": "Thanh Nguyen"})) == [seen["closed"]]
    auth.logout()
    auth.sign_in_as("admin")
    assert set(listed(client.get("/review/", query_string={"q": "ngyuen thanh"}))) == {
        seen["closed"], seen["kasu"]}


def test_the_index_looks_up_words_in_the_given_villages_only(app, seen):
    with app.app_context():
        assert found("nguyen thanh", ["Kasu"]) == {seen["kasu"]}
        assert found("ngyuen thanh", ["Tanjung Sari", "Pemping"]) == {seen["closed"]}
        assert found("homestay ali", ["Kasu"]) == set()
        assert found("nguyen thanh", []) == set()


def test_beyond_a_few_villages_words_are_looked_up_across_all(app, seen, monkeypatch):
    monkeypatch.setattr(search, "MAX_VILLAGES_LOOKED_UP_APART", 1)
    with app.app_context():
        assert found("nguyen thanh", ["Kasu"]) == {seen["kasu"]}
        assert found("nguyen thanh", ["Kasu", "Pemping"]) == {seen["kasu"], seen["closed"]}


def test_a_report_moved_to_another_village_is_found_there(app, client, auth, seen):
    with app.app_context():
        kasu = db.session.scalar(select(Report).where(Report.code == seen["kasu"]))
        kasu.village = factories.village("Pemping")  # one of the demo officer's villages
        db.session.commit()
    auth.sign_in_as("petugas")
    assert set(listed(client.get("/review/", query_string={"q": "Thanh Nguyen"}))) == {
        seen["closed"], seen["kasu"]}


def test_a_report_sent_through_the_form_is_found_at_once(app, client, official):
    response = post_form(client, "/reports/new", report_data(
        **{"persons-0-name": "Søren Kierkegård", "description": "Seen repairing a sampan."}))
    assert response.status_code == 303
    with app.app_context():
        code = db.session.scalar(select(Report.code).order_by(Report.id.desc()).limit(1))
        assert found("kierkegard soren") == {code}
        assert found("sampan") == {code}


def test_editing_a_name_or_description_changes_what_is_found(app, seen):
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.code == seen["other"]))
        report.persons[0].name = "Budi Santoso"
        report.description = "A worker at the shipyard."
        db.session.commit()
        assert found("Muhammad Akbar") == set()
        assert found("homestay") == set()
        assert found("santoso budi") == {seen["other"]}
        assert found("shipyard") == {seen["other"]}


def test_persons_added_removed_or_moved_are_followed(app, seen):
    with app.app_context():
        closed = db.session.scalar(select(Report).where(Report.code == seen["closed"]))
        other = db.session.scalar(select(Report).where(Report.code == seen["other"]))
        closed.persons.append(Person(name="Lee Min-ho", nationality="KR"))
        db.session.commit()
        assert found("min ho lee") == {seen["closed"]}
        moved = other.persons[0]  # a merge moves a person to another report
        moved.report = closed
        db.session.commit()
        assert found("muhammad ali") == {seen["closed"]}
        db.session.delete(closed.persons[0])
        db.session.commit()
        assert found("nguyen thanh") == {seen["kasu"]}


def test_anonymising_and_deleting_reports_empties_their_entries(app, seen):
    with app.app_context():
        before = index_rows()
        closed = db.session.scalar(select(Report).where(Report.code == seen["closed"]))
        for person in closed.persons:  # anonymised through the session's objects
            person.name = ""
        closed.description = ""
        db.session.commit()
        assert found("nguyen thanh") == {seen["kasu"]}
        assert found("floating") == set()
        # a purge's bulk statements: anonymise one report, delete another (and its events)
        db.session.execute(update(Person).where(Person.name == "Muhammad Ali Akbar")
                           .values(name=""))
        db.session.execute(delete(Report).where(Report.code == seen["kasu"]))
        db.session.commit()
        assert found("nguyen thanh") == set()
        assert found("tourist") == set()
        assert found("muhammad") == set()
        assert found("homestay") == {seen["other"]}
        assert index_rows() == before - 1


def test_the_index_changes_in_the_writes_own_transaction(app, seen):
    with app.app_context():
        before = index_rows()
        report = factories.make_report(persons=0, commit=False, description="Unseen yacht.")
        report.persons.append(Person(name="Hans Gruber"))
        other = db.session.scalar(select(Report).where(Report.code == seen["other"]))
        other.persons[0].name = "Somebody Else"
        db.session.flush()
        assert found("gruber") == {report.code}  # in the transaction, before the commit
        assert found("somebody") == {seen["other"]}
        db.session.rollback()
        assert found("gruber") == set()
        assert found("yacht") == set()
        assert found("somebody") == set()
        assert found("muhammad akbar") == {seen["other"]}
        assert index_rows() == before


def test_reindex_rebuilds_the_index(app, runner, seen):
    with app.app_context():
        total = db.session.scalar(select(func.count(Report.id)))
        db.session.execute(delete(table(search.TABLE)))
        db.session.commit()
        assert found("nguyen thanh") == set()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0
    assert f"{total} reports" in result.output
    with app.app_context():
        assert found("nguyen thanh") == {seen["closed"], seen["kasu"]}
        assert index_rows() == total


def test_a_search_reads_the_index_not_every_report(app, seen):
    """The plan of the search's look-up: the FTS5 table's own index on SQLite; on PostgreSQL the
    GIN index, once per look-up (sequential scans ruled out: a handful of rows would make them
    cheaper)."""
    with app.app_context():
        dialect = db.engine.dialect.name
        statement = select(Report.id).where(Report.id.in_(
            search.matching_reports("ngyuen thanh", dialect)))
        compiled = statement.compile(db.engine)
        connection = db.session.connection()
        if dialect == "sqlite":
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled}",
                tuple(compiled.params[name] for name in compiled.positiontup)))
            assert "VIRTUAL TABLE INDEX" in plan and search.TABLE in plan
            assert "SCAN reports" not in plan and "SCAN persons" not in plan
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(row[0] for row in connection.exec_driver_sql(
                f"EXPLAIN {compiled}", compiled.params))
            assert plan.count(f"Bitmap Index Scan on {search.POSTGRES_LOOKUP_NAME}") == 3, plan
            assert "Seq Scan" not in plan
        db.session.rollback()


@pytest.mark.skipif(not USING_POSTGRES, reason="PostgreSQL's plan (SQLite's tags: above)")
def test_an_officers_search_reads_only_their_villages_matches(app, seen):
    """On PostgreSQL each look-up's index condition holds the village: the matches in villages
    the officer may not see are never read."""
    with app.app_context():
        village_ids = [factories.village(name).id for name in ("Pemping", "Tanjung Sari")]
        compiled = search.matching_reports("ngyuen thanh", "postgresql", village_ids).compile(
            db.engine)
        connection = db.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)]
        lookups = [line for line in plan if "Index Cond" in line and ("@@" in line or "%>" in line)]
        assert len(lookups) == 3 * len(village_ids), plan
        assert all("village_id =" in line for line in lookups), plan
        db.session.rollback()


def test_the_migration_indexes_the_reports_already_there(empty_database):
    """Reports written before the index existed are found once the migration has run."""
    with empty_database.app_context():
        upgrade(revision="c15a00000002")  # the revision before the index
        connection = db.session.connection()
        village = connection.execute(insert(Village.__table__).values(
            name="Kasu", kecamatan="Belakang Padang", kabupaten="Kota Batam",
            province="Kepulauan Riau", active=True).returning(Village.id)).scalar_one()
        now = datetime.now(UTC)
        report = connection.execute(insert(Report.__table__).values(
            code="KX7M-3QFA", client_uuid=str(uuid.uuid4()), village_id=village,
            source="official", reporter_name="", reporter_phone="", anonymous=False,
            category="lodging", urgency="normal", observed_at=now, address="", rt_rw="",
            description="Seen at the jetty.", status="closed", version=1, created_at=now,
            updated_at=now).returning(Report.id)).scalar_one()
        connection.execute(insert(Person.__table__).values(
            report_id=report, name="Đặng Thị Hoa", name_key="", sex="female", nationality="VN",
            passport_no="", permit_type=""))
        db.session.commit()
        upgrade()
        assert found("hoa dang") == {"KX7M-3QFA"}
        assert found("jetty") == {"KX7M-3QFA"}
