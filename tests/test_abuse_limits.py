"""Abuse limits: wrong PINs are counted per tip code whatever the address; a failed login costs
the same whether the account exists or not, and is written to the audit log with the account
name and the address, never the password."""

import statistics
import time

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEntry
from services import accounts
from services.demo import DEMO_PASSWORD
from tests.test_tips import kasu  # noqa: F401 - the fixture
from tests.test_tips import send_tip


@pytest.fixture
def code_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, TIP_LIMIT="100 per minute",
                      TIP_STATUS_LIMIT="100 per minute")


def look_up(client, code, pin, address):
    return client.post("/tips/status", data={"code": code, "pin": pin},
                       environ_base={"REMOTE_ADDR": address})


def test_ten_wrong_pins_lock_a_code_whatever_the_address(code_limited, app, client, kasu):  # noqa: F811
    assert app.config["TIP_CODE_LIMIT"] == "10 per hour"
    code, pin = send_tip(client, kasu)
    other_code, other_pin = send_tip(client, kasu)
    for attempt in range(10):
        assert look_up(client, code, f"{attempt:06d}", f"10.0.0.{attempt}").status_code == 422
    # The right PIN from a new address: the code is locked for now.
    locked = look_up(client, code, pin, "10.9.9.9")
    assert locked.status_code == 429
    assert "Terlalu banyak" in locked.data.decode()
    # Written differently (lower case, no dash), it is the same code and stays locked.
    assert look_up(client, code.lower().replace("-", ""), pin, "10.9.9.8").status_code == 429
    # Other tips are not locked, from the same addresses.
    assert look_up(client, other_code, other_pin, "10.0.0.1").status_code == 200


def test_a_failed_login_is_audited_with_name_and_address_never_the_password(app, client):
    secret = "not-the-password-x7"
    for username in ("petugas", "Nobody-Here"):
        response = client.post("/auth/login", data={"username": username, "password": secret},
                               environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert response.status_code == 422
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.kind, e.username, e.address) for e in rows] == [
            ("login_failed", "petugas", "203.0.113.7"), ("login_failed", "nobody-here", "203.0.113.7")]
        assert rows[0].user.username == "petugas" and rows[1].user is None
        assert all(secret not in repr(vars(entry)) for entry in rows)
    client.post("/auth/login", data={"username": "admin", "password": DEMO_PASSWORD})
    page = client.get("/audit/?log=accounts").data.decode()
    assert page.count("203.0.113.7") == 2 and "nobody-here" in page and secret not in page


def test_a_successful_login_writes_no_entry(app, client):
    client.post("/auth/login", data={"username": "petugas", "password": DEMO_PASSWORD})
    with app.app_context():
        assert db.session.scalars(select(AuditEntry)).all() == []


def median_login_seconds(client, username, rounds=3):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.post("/auth/login", data={"username": username, "password": "wrong-one"})
        assert response.status_code == 422
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@pytest.mark.parametrize("app_config", [{"PASSWORD_HASH_METHOD": "scrypt"}], indirect=True)
def test_a_failed_login_costs_the_same_with_or_without_an_account(app, client):
    with app.app_context():
        assert accounts.decoy_hash().startswith("scrypt:")  # the real cost, not a cheap stand-in
        db.session.scalar(select(accounts.User).where(accounts.User.username == "petugas")).set_password(
            DEMO_PASSWORD)
        db.session.commit()
    median_login_seconds(client, "warm-up", rounds=1)
    existing = median_login_seconds(client, "petugas")
    unknown = median_login_seconds(client, "nobody")
    # Without the decoy hash an unknown name answered about 20 times faster (7 ms against 150 ms).
    assert unknown > existing / 2, (existing, unknown)
