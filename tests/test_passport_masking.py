"""A full passport number only for those who work the report (issue 15, point 2): its pages mask
it for anyone else, and no e-mail, log line (SQL logging included), audit entry or export
carries it."""

import logging
from datetime import date

import pytest
from sqlalchemy import select

from domain import Role
from domain.passports import mask_passport
from domain.passports import may_read_passport
from extensions import db
from models import AuditEntry
from models import Event
from models import Report
from models import User
from services.demo import demo_password_hash
from tests import factories
from tests.report_helpers import post_form
from tests.report_helpers import report_data
from tests.review_support import make_officer
from tests.smtp_sink import SmtpSink

NUMBER = "A1234567"
MASKED = "A1•••567"


@pytest.mark.parametrize(("number", "masked"), [
    ("A1234567", "A1•••567"), ("K12345678", "K1••••678"), ("E12345", "E•••45"), ("X123", "••••"),
    ("", ""),
])
def test_masking_keeps_enough_to_recognise_never_enough_to_use(number, masked):
    assert mask_passport(number) == masked


def another_official(village_name="Tanjung Sari"):
    official = User(username="desa2", full_name="Another official", role=Role.OFFICIAL,
                    village=factories.village(village_name))
    official.password_hash = demo_password_hash()
    db.session.add(official)
    db.session.commit()
    return official


def test_the_report_pages_show_the_number_only_to_those_who_work_it(app, auth, client):
    with app.app_context():
        report = factories.make_report(persons=0)
        report.persons.append(factories.Person(name="Tan", nationality="SG", passport_no=NUMBER))
        db.session.commit()
        another_official()
        make_officer("kasu", ["Kasu"])
        report_id = report.id
        assert not may_read_passport(factories.user("kasu"), report)
    for username, url, shown in (("desa", f"/reports/{report_id}", NUMBER),
                                 ("desa2", f"/reports/{report_id}", MASKED),
                                 ("petugas", f"/review/{report_id}", NUMBER),
                                 ("admin", f"/review/{report_id}", NUMBER)):
        auth.sign_in_as(username)
        page = client.get(url).data.decode()
        assert shown in page, username
        if shown == MASKED:
            assert NUMBER not in page and "1234567" not in page
    auth.sign_in_as("kasu")  # an officer of another village does not see the report at all
    assert client.get(f"/review/{report_id}").status_code == 404


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


def test_no_full_number_in_mail_logs_audit_or_exports(app, auth, client, sink, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, PUBLIC_URL="https://desa.example.test")
    with app.app_context():
        make_officer("sari", ["Tanjung Sari"], email="sari@example.test")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement and its values

    auth.login("desa")
    data = report_data(urgency="urgent", **{"persons-0-passport_no": "a123 4567",
                                             "persons-0-birth_date": "1988-02-03"})
    assert post_form(client, "/reports/new", data).status_code == 303
    auth.sign_in_as("admin")
    with app.app_context():
        report = db.session.scalar(select(Report))
        report_id, code = report.id, report.code
        assert report.persons[0].passport_no == "A1234567"
    queue = client.get("/review/?status=all&q=A1234567").data.decode()
    assert code in queue
    assert NUMBER in client.get(f"/review/{report_id}").data.decode()
    today = date.today().isoformat()
    export = client.get(f"/recap/recap.csv?date_from={today}&date_to={today}").data.decode()

    mails = sink.wait_for(1)
    assert mails, "the urgent report was announced"
    with app.app_context():
        audit = [entry.changes for entry in db.session.scalars(select(AuditEntry))]
        events = [event.text for event in db.session.scalars(select(Event))]
    assert "INSERT INTO persons" in caplog.text  # the statements were logged, values and all
    for where, written in (("mail", " ".join(str(message) for _to, message in mails)),
                           ("logs", caplog.text), ("audit", " ".join(audit + events)),
                           ("export", export)):
        assert "1234567" not in written, where
        assert "1988-02-03" not in written, where
