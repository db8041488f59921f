"""Logging in and out, passwords, inactive accounts, the login rate limit, create-user."""

import os
import time
import uuid
from datetime import UTC
from datetime import datetime

import itsdangerous.timed
import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from extensions import db
from models import User
from services.demo import DEMO_PASSWORD


def get_user(app, username):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def test_login_page_renders(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b'name="username"' in response.data


@pytest.mark.parametrize("username", ["admin", "petugas", "desa"])
def test_each_demo_account_logs_in(auth, client, username):
    response = auth.login(username)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/").data.decode()
    assert "Keluar" in page  # the log-out button of a signed-in page


def test_login_follows_only_local_next(auth, client):
    ok = client.post("/auth/login?next=/auth/password", data={"username": "desa", "password": DEMO_PASSWORD})
    assert ok.headers["Location"] == "/auth/password"
    auth.logout()
    evil = client.post(
        "/auth/login?next=//evil.example/x", data={"username": "desa", "password": DEMO_PASSWORD}
    )
    assert evil.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("username", "password"), [("desa", "wrong-password"), ("nobody", DEMO_PASSWORD)]
)
def test_login_errors_do_not_say_which_part_was_wrong(auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 422
    assert "Nama pengguna atau kata sandi salah" in response.data.decode()


def test_inactive_account_cannot_log_in(app, auth):
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "desa")).active = False
        db.session.commit()
    response = auth.login("desa")
    assert response.status_code == 422


def test_deactivated_account_loses_its_session(app, auth, client):
    auth.login("desa")
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "desa")).active = False
        db.session.commit()
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_logout(auth, client):
    auth.login()
    response = auth.logout()
    assert response.status_code == 303
    assert client.get("/auth/password").status_code == 302


@pytest.mark.parametrize("app_config", [{"PASSWORD_HASH_METHOD": "scrypt"}], indirect=True)
def test_passwords_are_salted_scrypt_hashes(app):
    """The real method (tests use a cheap one elsewhere): scrypt, salted afresh each time."""
    user = get_user(app, "desa")
    assert DEMO_PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    with app.app_context():
        other = User(username="x", full_name="x", role="admin")
        other.set_password(DEMO_PASSWORD)
    assert other.password_hash.startswith("scrypt:")
    assert other.password_hash != user.password_hash  # a fresh salt each time
    assert check_password_hash(other.password_hash, DEMO_PASSWORD)


def test_change_password(app, auth, client):
    auth.login()
    response = client.post(
        "/auth/password",
        data={"current": DEMO_PASSWORD, "new": "a-new-secret", "confirm": "a-new-secret"},
    )
    assert response.status_code == 303
    assert get_user(app, "desa").check_password("a-new-secret")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current": "wrong", "new": "a-new-secret", "confirm": "a-new-secret"}, "Kata sandi sekarang salah"),
        ({"current": DEMO_PASSWORD, "new": "short", "confirm": "short"}, "antara 8 dan 128"),
        ({"current": DEMO_PASSWORD, "new": "a-new-secret", "confirm": "different1"}, "tidak sama"),
    ],
)
def test_change_password_validation(app, auth, client, data, message):
    auth.login()
    response = client.post("/auth/password", data=data)
    assert response.status_code == 422
    assert message.lower() in response.data.decode().lower()
    assert get_user(app, "desa").check_password(DEMO_PASSWORD)


@pytest.fixture
def rate_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_LIMIT="3 per minute")


def test_repeated_failed_logins_are_rate_limited(rate_limited, auth):
    for _attempt in range(3):
        assert auth.login("desa", "wrong").status_code == 422
    response = auth.login("desa", "wrong")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.data.decode()


def test_rate_limit_counts_per_username_too(rate_limited, app, auth):
    for _attempt in range(3):
        auth.login("petugas", "wrong")
    other_address = app.test_client()
    response = other_address.post(
        "/auth/login",
        data={"username": "petugas", "password": "wrong"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 429


def test_successful_logins_are_not_counted(rate_limited, auth):
    for _attempt in range(5):
        assert auth.login("desa").status_code == 303
        auth.logout()


def test_create_user_command(app, runner):
    result = runner.invoke(
        args=["create-user", "budi", "--full-name", "Budi", "--role", "officer",
              "--village", "Kasu", "--village", "Pecong", "--password", "long-enough-1"]
    )
    assert result.exit_code == 0, result.output
    user = get_user(app, "budi")
    with app.app_context():
        user = db.session.merge(user)
        assert sorted(v.name for v in user.villages) == ["Kasu", "Pecong"]
        assert user.check_password("long-enough-1")


@pytest.mark.parametrize(
    "args",
    [
        ["desa", "--full-name", "Dup", "--role", "admin"],
        ["ani", "--full-name", "Ani", "--role", "official"],
        ["ani", "--full-name", "Ani", "--role", "officer", "--village", "Atlantis"],
    ],
)
def test_create_user_refuses_bad_input(runner, args):
    result = runner.invoke(args=["create-user", *args, "--password", "long-enough-1"])
    assert result.exit_code != 0


def test_seed_demo_is_idempotent(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert "already" in result.output
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 3


@pytest.fixture
def redis_limits(app_config):
    if not os.environ.get("TEST_REDIS_URL"):
        pytest.skip("TEST_REDIS_URL not set")
    app_config.update(
        RATELIMIT_ENABLED=True,
        LOGIN_LIMIT="2 per minute",
        RATELIMIT_STORAGE_URI=os.environ["TEST_REDIS_URL"],
    )


def test_rate_limit_state_can_live_in_redis(redis_limits, auth):
    username = f"redis-{uuid.uuid4().hex[:8]}"  # a key no earlier run has counted
    for _attempt in range(2):
        auth.login(username, "wrong")
    assert auth.login(username, "wrong").status_code == 429


def test_login_session_outlives_the_browser(auth):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie  # a persistent cookie, kept for PERMANENT_SESSION_LIFETIME


def session_cookie_of(response):
    return [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]


def test_session_cookie_is_renewed_once_a_day_not_on_every_page(app, auth, client, monkeypatch):
    auth.login()
    client.get("/")  # the first page adds the CSRF token to the session
    assert session_cookie_of(client.get("/")) == []  # signed moments ago: nothing to renew
    # A cookie last renewed and signed two days ago is still valid (the session lasts a
    # fortnight) and is renewed, so the fortnight counts from the last visit.
    signed = client.get_cookie("session").value
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(signed)
    two_days_ago = time.time() - 2 * 86400
    data["renewed_on"] = datetime.fromtimestamp(two_days_ago, UTC).date().isoformat()
    with monkeypatch.context() as patched:
        patched.setattr(itsdangerous.timed.time, "time", lambda: two_days_ago)
        client.set_cookie("session", serializer.dumps(data))
    renewed = session_cookie_of(client.get("/"))
    assert len(renewed) == 1 and "Expires=" in renewed[0]
    assert session_cookie_of(client.get("/")) == []
