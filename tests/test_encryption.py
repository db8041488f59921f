"""Passport numbers and birth dates sealed at rest (issue 15, point 2), on SQLite and PostgreSQL:
the raw columns never hold them, look-ups go through the blind index, a wrong key is a clear
error, `flask rotate-keys` moves every value to the new key, and the migration seals old rows."""

import base64
import hashlib
import hmac
from datetime import datetime
from pathlib import Path

import pytest
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import column
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import table
from sqlalchemy import text

from app import MissingDataKeys
from app import create_app
from config import DEVELOPMENT_DATA_KEY
from config import DEVELOPMENT_INDEX_KEY
from domain.encryption import KeyConfigError
from domain.encryption import Keyring
from domain.encryption import UnreadableValue
from domain.encryption import key_id
from domain.encryption import new_key
from extensions import db
from models import Person
from models import Report
from models import SealedComparison
from services import keys
from services.passports import passport_equals
from services.related import related_reports
from tests import factories
from tests.conftest import USING_POSTGRES
from tests.report_helpers import post_form
from tests.report_helpers import report_data

NUMBER = "K1234567"
OTHER_KEY = new_key()


def raw_persons(app):
    """The persons' sealed columns exactly as the database stores them."""
    with app.app_context():
        return db.session.execute(text(
            "SELECT id, passport_no, birth_date, passport_index FROM persons ORDER BY id")).all()


def send_report(auth, client, **changes):
    auth.login("desa")
    data = report_data(**{"persons-0-passport_no": "k 123 4567", "persons-0-birth_date": "1988-02-03",
                          **changes})
    response = post_form(client, "/reports/new", data)
    assert response.status_code == 303, response.data
    auth.client.post("/auth/logout")
    return data["client_uuid"]


def test_the_raw_columns_never_hold_the_number_or_the_birth_date(app, auth, client):
    send_report(auth, client)
    (row,) = raw_persons(app)
    stored = " ".join(str(value) for value in row[1:])
    for clear in (NUMBER, "1234567", "123 4567", "1988", "02-03"):
        assert clear not in stored
    assert row.passport_no.startswith(f"g1:{key_id(base64.urlsafe_b64decode(DEVELOPMENT_DATA_KEY))}:")
    assert row.birth_date.startswith("g1:")
    expected_index = hmac.new(base64.urlsafe_b64decode(DEVELOPMENT_INDEX_KEY), NUMBER.encode(),
                              hashlib.sha256).hexdigest()
    assert row.passport_index == expected_index
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert person.passport_no == NUMBER
        assert person.birth_date == datetime(1988, 2, 3)


def test_the_sqlite_file_itself_holds_no_number(app, auth, client, tmp_path):
    if USING_POSTGRES:
        pytest.skip("a SQLite file")
    send_report(auth, client)
    with app.app_context():
        db.engine.dispose()  # every page of the write-ahead log folded into the file
    files = [path for path in Path(tmp_path).glob("test.db*")]
    assert files and not any(NUMBER.encode() in path.read_bytes() for path in files)


def test_each_write_seals_anew(app):
    """The same number twice gives two different sealed values (a random nonce each) and one index."""
    with app.app_context():
        factories.make_report()
        factories.make_report()
    first, second = raw_persons(app)
    assert first.passport_no != second.passport_no
    assert first.passport_index == second.passport_index


def test_passport_look_ups_go_through_the_blind_index(app, auth, client):
    with app.app_context():
        one = factories.make_report(persons=0)
        one.persons.append(Person(name="Tan Wei Ming", nationality="MY", passport_no="A 765-4321"))
        two = factories.make_report("Pemping", persons=0)
        two.persons.append(Person(name="Someone Else", nationality="SG", passport_no="a7654321"))
        db.session.commit()
        found = db.session.scalars(
            select(Person.report_id).where(passport_equals("A7654321")).order_by(Person.report_id)).all()
        assert found == [one.id, two.id]
        assert db.session.scalars(select(Person.id).where(passport_equals("A7654322"))).all() == []
        assert db.session.scalars(select(Person.id).where(passport_equals(" - "))).all() == []
        admin = factories.user("admin")
        assert [(m.report.id, m.reasons) for m in related_reports(one, admin)] == [(two.id, ["passport"])]
        codes = one.code, two.code
    auth.login("admin")
    page = client.get("/review/?status=all&q=a7654321").data.decode()
    assert all(code in page for code in codes)


@pytest.mark.parametrize("condition", [
    lambda: Person.passport_no == NUMBER, lambda: Person.passport_no.in_([NUMBER]),
    lambda: Person.passport_no.contains("123"), lambda: Person.birth_date > datetime(1990, 1, 1),
    lambda: Person.birth_date.desc()])
def test_sql_may_not_compare_or_sort_a_sealed_column(condition):
    """It would silently find nothing (every value sealed with its own nonce) or sort by noise."""
    with pytest.raises(SealedComparison, match="passport_equals"):
        condition()


def test_sql_may_still_ask_whether_a_sealed_column_is_empty(app):
    with app.app_context():
        factories.make_report(persons=2).persons[1].passport_no = ""
        db.session.commit()
        given = select(Person.id).where(Person.passport_no != "", Person.birth_date.is_(None))
        assert len(db.session.scalars(given).all()) == 1


def test_a_value_altered_or_moved_to_another_column_does_not_open(app):
    with app.app_context():
        factories.make_report()
        db.session.execute(text("UPDATE persons SET birth_date = passport_no"))
        db.session.commit()
        db.session.expire_all()
        with pytest.raises(UnreadableValue, match="persons.birth_date.*does not authenticate"):
            db.session.scalar(select(Person))


def test_a_key_missing_from_data_keys_is_a_clear_error_not_garbage(app, app_config):
    with app.app_context():
        factories.make_report()
    stranger = create_app({**app_config, "DATA_KEYS": OTHER_KEY})
    try:
        with stranger.app_context(), pytest.raises(UnreadableValue, match="DATA_KEYS does not hold"):
            db.session.scalar(select(Person))
    finally:
        with stranger.app_context():
            db.session.remove()
            db.engine.dispose()


def rotation_app(app_config, data_keys):
    return create_app({**app_config, "DATA_KEYS": data_keys})


def test_rotate_keys_moves_every_value_to_the_new_key(app, app_config):
    old, new = DEVELOPMENT_DATA_KEY, OTHER_KEY
    with app.app_context():
        for _ in range(3):
            report = factories.make_report(persons=2)
            report.persons[0].birth_date = datetime(1990, 5, 1)
        db.session.commit()
        report_id = report.id
    before = raw_persons(app)

    both = rotation_app(app_config, f"{new},{old}")
    with both.app_context():
        # Stopped after its first batch: the data stays readable under both keys, half moved.
        def stop(_column, _done):
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            keys.rotate_keys(batch_size=2, on_batch=stop)
        assert len(db.session.scalars(select(Person)).all()) == 6
    halfway = raw_persons(both)
    changed = [a.passport_no != b.passport_no or a.birth_date != b.birth_date
               for a, b in zip(before, halfway, strict=True)]
    assert sum(changed) == 2  # one batch: the first two birth dates

    result = both.test_cli_runner().invoke(args=["rotate-keys", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "persons.birth_date: 1 sealed again with the current key, 0 left" in result.output
    assert "persons.passport_no: 6 sealed again with the current key, 0 left" in result.output
    assert "Done" in result.output
    again = both.test_cli_runner().invoke(args=["rotate-keys"])  # nothing left: changes nothing
    assert "persons.passport_no: 0 sealed" in again.output and again.exit_code == 0
    after = raw_persons(both)
    new_id = key_id(base64.urlsafe_b64decode(new))
    for was, now in zip(before, after, strict=True):
        assert now.passport_no != was.passport_no and now.passport_no.startswith(f"g1:{new_id}:")
        assert now.passport_index == was.passport_index  # the blind index key did not change
        assert (now.birth_date is None) == (was.birth_date is None)
        assert now.birth_date is None or now.birth_date.startswith(f"g1:{new_id}:")

    only_new = rotation_app(app_config, new)  # the old key removed
    with only_new.app_context():
        persons = db.session.scalars(select(Person).order_by(Person.id)).all()
        assert [p.passport_no for p in persons] == ["K0000000", "K0000001"] * 3
        assert sum(p.birth_date == datetime(1990, 5, 1) for p in persons) == 3
        found = db.session.scalars(select(Person.report_id).where(passport_equals("k0000001"))).all()
        assert report_id in found and len(found) == 3
    for each in (both, only_new):
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def test_production_refuses_to_start_without_its_own_keys(tmp_path):
    production = {"ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"}
    with pytest.raises(MissingDataKeys, match="DATA_KEYS and BLIND_INDEX_KEY must be set"):
        create_app({**production, "DATA_KEYS": "", "BLIND_INDEX_KEY": ""})
    with pytest.raises(MissingDataKeys, match="public development keys"):
        create_app({**production, "DATA_KEYS": DEVELOPMENT_DATA_KEY, "BLIND_INDEX_KEY": new_key()})
    with pytest.raises(KeyConfigError, match="base64 keys of 32 bytes"):
        create_app({**production, "DATA_KEYS": "too-short", "BLIND_INDEX_KEY": new_key()})
    app = create_app({**production, "DATA_KEYS": f"{new_key()},{new_key()}", "BLIND_INDEX_KEY": new_key()})
    assert isinstance(app.extensions["keyring"], Keyring)


# The schema before this change, with rows written in clear, then the migration.
CLEAR_REPORT = {
    "code": "DB-CLEAR1", "client_uuid": "00000000-0000-0000-0000-000000000001", "source": "official",
    "reporter_name": "", "reporter_phone": "", "anonymous": False, "category": "lodging",
    "urgency": "normal", "observed_at": datetime(2026, 1, 1), "address": "", "rt_rw": "",
    "description": "seen", "status": "new", "version": 1, "created_at": datetime(2026, 1, 1),
    "updated_at": datetime(2026, 1, 1)}


def test_the_migration_seals_existing_rows_and_its_downgrade_opens_them(empty_database):
    app = empty_database
    with app.app_context():
        upgrade(revision="5dd4562becc5")
        connection = db.session.connection()
        village_id = connection.execute(text(
            "INSERT INTO villages (name, kecamatan, kabupaten, province, active) "
            "VALUES ('Kasu', 'Belakang Padang', 'Batam', 'Kepri', :yes) RETURNING id"), {"yes": True}
        ).scalar()
        reports = table("reports", column("id"), column("village_id"), *map(column, CLEAR_REPORT))
        report_id = connection.execute(insert(reports).values(village_id=village_id, **CLEAR_REPORT)
                                       .returning(reports.c.id)).scalar()
        for passport, born in (("A 1234567", datetime(1979, 12, 31)), ("", None)):
            connection.execute(text(
                "INSERT INTO persons (report_id, name, name_key, sex, nationality, passport_no, "
                "permit_type, birth_date) "
                "VALUES (:report, 'Tan', 'tan', 'male', 'SG', :passport, '', :born)"),
                {"report": report_id, "passport": passport, "born": born})
        db.session.commit()

        upgrade()
        sealed, empty = db.session.execute(text(
            "SELECT passport_no, birth_date, passport_index FROM persons ORDER BY id")).all()
        assert sealed.passport_no.startswith("g1:") and "1234567" not in sealed.passport_no
        assert sealed.birth_date.startswith("g1:") and "1979" not in sealed.birth_date
        assert tuple(empty) == ("", None, "")
        db.session.commit()
        person = db.session.scalar(select(Person).where(passport_equals("a1234567")))
        assert (person.passport_no, person.birth_date) == ("A 1234567", datetime(1979, 12, 31))
        assert db.session.get(Report, report_id).persons[1].passport_no == ""
        db.session.remove()

        downgrade(revision="5dd4562becc5")
        rows = db.session.execute(text("SELECT passport_no, birth_date FROM persons ORDER BY id")).all()
        assert rows[0].passport_no == "A 1234567"
        assert str(rows[0].birth_date).startswith("1979-12-31 00:00:00")
        assert tuple(rows[1]) == ("", None)
        db.session.commit()
        upgrade()
