"""Urgent reports e-mail the officers of their village, through a real SMTP server on
127.0.0.1, after the report is saved; mail trouble never undoes a report."""

import logging
import socket

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app import BadPublicUrl
from app import create_app
from domain import Urgency
from extensions import db
from models import Report
from models import Village
from tests import factories
from tests.conftest import PRODUCTION_KEYS
from tests.review_support import make_officer
from tests.smtp_sink import SmtpSink


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


@pytest.fixture
def mail_app(app, sink):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port,
                      MAIL_SENDER="office@example.test", PUBLIC_URL="https://desa.example.go.id/app")
    with app.app_context():
        make_officer("sari", ["Tanjung Sari", "Kasu"], email="sari@example.test")
        make_officer("budi", ["Tanjung Sari"], email="budi@example.test").locale = "en"
        make_officer("noemail", ["Tanjung Sari"])
        make_officer("kasu", ["Kasu"], email="kasu@example.test")
        db.session.commit()
    return app


def test_urgent_report_mails_each_officer_of_the_village(mail_app, sink):
    mail_app.config["MAIL_IN_BACKGROUND"] = True  # as in production: from a thread
    with mail_app.test_request_context(base_url="http://evil.example"):  # a forged Host
        code = factories.make_report(urgency=Urgency.URGENT).code
    messages = sink.wait_for(2)
    assert sorted(recipients[0] for recipients, _message in messages) == [
        "budi@example.test", "sari@example.test"]
    by_recipient = {recipients[0]: message for recipients, message in messages}
    indonesian, english = by_recipient["sari@example.test"], by_recipient["budi@example.test"]
    assert indonesian["Subject"] == f"Laporan mendesak {code} dari Tanjung Sari"
    assert english["Subject"] == f"Urgent report {code} from Tanjung Sari"
    assert indonesian["From"] == "office@example.test"
    body = english.get_content()
    with mail_app.app_context():
        report_id = db.session.scalar(select(Report.id).where(Report.code == code))
    assert code in body and f"https://desa.example.go.id/app/review/{report_id}" in body
    assert "evil.example" not in body
    assert "Person 1" not in body and "K0000000" not in body  # no personal data in e-mail


def test_normal_reports_send_nothing(mail_app, sink):
    with mail_app.app_context():
        factories.make_report()
    assert sink.received() == []  # the e-mails of a commit are sent before it returns


def test_a_report_that_is_not_saved_sends_nothing(mail_app, sink):
    with mail_app.app_context():
        factories.make_report(urgency=Urgency.URGENT, commit=False)
        db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(func.count(Report.id))) == 0
    assert sink.received() == []  # the e-mails of a commit are sent before it returns


def test_no_mail_server_no_mail(app, sink):
    app.config.update(MAIL_SERVER="", MAIL_PORT=sink.port)
    with app.app_context():
        make_officer("sari", ["Tanjung Sari"], email="sari@example.test")
        factories.make_report(urgency=Urgency.URGENT)
    assert sink.received() == []  # the e-mails of a commit are sent before it returns


def test_broken_mail_server_never_undoes_the_report(mail_app, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]  # nothing listens here once closed
    mail_app.config["MAIL_PORT"] = dead_port
    with caplog.at_level(logging.WARNING, logger="services.notify"):
        with mail_app.app_context():
            factories.make_report(urgency=Urgency.URGENT)
            assert db.session.scalar(select(func.count(Report.id))) == 1
    assert "urgent report e-mail not sent" in caplog.text
    assert "Person 1" not in caplog.text


def test_officers_email_is_set_when_the_account_is_created(app, runner):
    result = runner.invoke(args=[
        "create-user", "rina", "--full-name", "Rina", "--role", "officer",
        "--village", "Kasu", "--email", " rina@example.test ", "--password", "rahasia123"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert factories.user("rina").email == "rina@example.test"


def test_links_come_from_public_url_even_outside_a_request(mail_app, sink):
    with mail_app.app_context():
        code = factories.make_report(urgency=Urgency.URGENT).code
    bodies = [message.get_content() for _recipients, message in sink.wait_for(2)]
    assert all("https://desa.example.go.id/app/review/" in body and code in body for body in bodies)


def test_without_public_url_the_mail_has_no_link(mail_app, sink):
    mail_app.config["PUBLIC_URL"] = ""
    with mail_app.test_request_context(base_url="http://evil.example"):
        factories.make_report(urgency=Urgency.URGENT)
    bodies = [message.get_content() for _recipients, message in sink.wait_for(2)]
    assert all("http" not in body for body in bodies)


PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://",
              **PRODUCTION_KEYS}


def test_production_with_mail_requires_public_url():
    with pytest.raises(BadPublicUrl, match="PUBLIC_URL"):
        create_app({**PRODUCTION, "MAIL_SERVER": "smtp.example", "PUBLIC_URL": ""})
    assert create_app({**PRODUCTION, "MAIL_SERVER": "", "PUBLIC_URL": ""})
    assert create_app({**PRODUCTION, "MAIL_SERVER": "smtp.example", "PUBLIC_URL": "https://desa.example"})


@pytest.mark.parametrize("url", ["desa.example.go.id", "javascript:alert(1)", "https://", "ftp://desa.example",
                                 "https://desa.example/\r\nBcc: x@evil.example", "https://desa.example/?a=1"])
def test_a_malformed_public_url_is_refused(url):
    with pytest.raises(BadPublicUrl):
        create_app({**PRODUCTION, "PUBLIC_URL": url})


@pytest.mark.parametrize("name", ["Kasu\r\nBcc: x@evil.example", "Kasu\nBaru", "Kasu\rBaru", "Kasu\u2028Baru",
                                  "Ka\x00su"])
def test_village_names_for_mail_subjects_refuse_line_breaks(app, auth, client, name):
    auth.sign_in_as("admin")
    data = {"name": name, "kecamatan": "x", "kabupaten": "x", "province": "x", "active": "y"}
    response = client.post("/admin/villages/new", data=data)
    assert response.status_code == 422
    assert "tanpa pindah baris" in response.data.decode()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Village).where(
            Village.name.like("Kasu%"))) == 1  # only the demo village


def test_email_addresses_refuse_line_breaks(auth, client):
    auth.sign_in_as("admin")
    data = {"username": "sari", "full_name": "Sari", "role": "officer", "village": "0", "active": "y",
            "password": "long-enough-1", "email": "sari@example.test\r\nBcc: x@evil.example"}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert "tanpa pindah baris" in response.data.decode()
