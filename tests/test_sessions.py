"""Sessions are ended on the server: a copied session cookie stops working after logout, a
password change, an admin's reset, deactivation and "end all sessions"; an admin's session needs
the password again after 12 hours; a login starts a new session."""

import time

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEntry
from models import User
from services.demo import DEMO_PASSWORD
from tests.test_admin import account_form
from tests.test_admin import temporary_password_on

QUEUE = "/review/"


def log_in(app, username, password=DEMO_PASSWORD):
    """A new browser signed in through the form."""
    browser = app.test_client()
    response = browser.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 303
    return browser


def copy_of(app, browser):
    """Another browser holding a copy of `browser`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def signed_in(browser, path=QUEUE):
    response = browser.get(path)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    return False


def session_data(app, browser):
    return app.session_interface.get_signing_serializer(app).loads(browser.get_cookie("session").value)


def account_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def entries(app, kind):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.kind == kind)).all()


def test_a_cookie_copied_before_logout_no_longer_works(app):
    officer = log_in(app, "petugas")
    thief = copy_of(app, officer)
    assert signed_in(thief)
    officer.post("/auth/logout")
    assert not signed_in(thief)
    assert not signed_in(officer)


def test_logout_ends_the_accounts_other_sessions_too(app):
    phone, laptop = log_in(app, "petugas"), log_in(app, "petugas")
    phone.post("/auth/logout")
    assert not signed_in(laptop)
    assert signed_in(log_in(app, "petugas"))  # a new login works as before


def test_a_password_change_ends_every_other_session(app):
    phone, laptop = log_in(app, "petugas"), log_in(app, "petugas")
    thief = copy_of(app, phone)
    response = phone.post("/auth/password", data={
        "current": DEMO_PASSWORD, "new": "a-new-secret-1", "confirm": "a-new-secret-1"})
    assert response.status_code == 303
    assert signed_in(phone)  # the browser that changed it stays signed in
    assert not signed_in(laptop)
    assert not signed_in(thief)
    [entry] = entries(app, "password_changed")
    assert entry.changes == "" and "a-new-secret-1" not in repr(vars(entry))


def test_an_admins_password_reset_ends_every_session(app):
    officer = log_in(app, "petugas")
    admin = log_in(app, "admin")
    user_id = account_id(app, "petugas")
    response = admin.post(f"/admin/users/{user_id}/password")
    assert response.status_code == 200
    temporary = temporary_password_on(response)
    assert not signed_in(officer)
    assert log_in(app, "petugas", temporary).get("/auth/password").status_code == 200
    [entry] = entries(app, "password_reset")
    assert temporary not in repr(vars(entry))


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(app):
    officer = log_in(app, "petugas")
    thief = copy_of(app, officer)
    admin = log_in(app, "admin")
    user_id = account_id(app, "petugas")
    off = account_form(username="petugas", full_name="Petugas")
    off.pop("active")
    assert admin.post(f"/admin/users/{user_id}", data=off).status_code == 303
    assert not signed_in(officer)
    on = account_form(username="petugas", full_name="Petugas")
    assert admin.post(f"/admin/users/{user_id}", data=on).status_code == 303
    assert not signed_in(officer) and not signed_in(thief)
    assert [e.kind for e in entries(app, "account_deactivated") + entries(app, "account_reactivated")] == [
        "account_deactivated", "account_reactivated"]


def test_an_admin_ends_a_users_sessions_from_the_account_page(app):
    officer = log_in(app, "petugas")
    thief = copy_of(app, officer)
    admin = log_in(app, "admin")
    user_id = account_id(app, "petugas")
    page = admin.get(f"/admin/users/{user_id}").data.decode()
    assert f'action="/admin/users/{user_id}/sessions"' in page
    response = admin.post(f"/admin/users/{user_id}/sessions")
    assert response.status_code == 303
    assert not signed_in(officer) and not signed_in(thief)
    assert signed_in(admin, "/admin/")
    [entry] = entries(app, "sessions_ended")
    assert entry.user_id == user_id and entry.actor_id == account_id(app, "admin")


def test_ending_sessions_needs_the_form_token(app):
    admin = log_in(app, "admin")
    app.config["WTF_CSRF_ENABLED"] = True
    response = admin.post(f"/admin/users/{account_id(app, 'petugas')}/sessions")
    assert response.status_code == 400
    assert entries(app, "sessions_ended") == []


def age_session(app, browser, hours):
    """Rewrite the browser's cookie as if its login were `hours` old."""
    with browser.session_transaction() as session:
        session["signed_in_at"] = int(time.time() - hours * 3600)


@pytest.mark.parametrize(("username", "path"), [("admin", "/admin/"), ("petugas", QUEUE)])
def test_an_admin_session_needs_the_password_again_after_12_hours(app, username, path):
    browser = log_in(app, username)
    age_session(app, browser, 11.9)
    assert signed_in(browser, path)
    age_session(app, browser, 12.1)
    assert signed_in(browser, path) == (username != "admin")  # officers keep their fortnight
    assert signed_in(log_in(app, username), path)


def test_an_admin_session_without_a_login_time_is_refused(app):
    browser = log_in(app, "admin")
    with browser.session_transaction() as session:
        del session["signed_in_at"]
    assert not signed_in(browser, "/admin/")


def test_login_starts_a_new_session(app):
    browser = app.test_client()
    with browser.session_transaction() as session:  # what an attacker may have planted
        session["sid"] = "planted"
        session["planted"] = "by someone else"
    planted = copy_of(app, browser)
    browser.post("/auth/login", data={"username": "petugas", "password": DEMO_PASSWORD})
    data = session_data(app, browser)
    assert data["sid"] != "planted" and len(data["sid"]) >= 20
    assert "planted" not in data
    assert signed_in(browser) and not signed_in(planted)
    again = log_in(app, "petugas")
    assert session_data(app, again)["sid"] != data["sid"]


def test_the_login_answer_carries_a_new_form_token(app):
    """The first pages after a login (the page, its badge, the service worker's offline pages)
    load at once: a token made by each of them would refuse the page's forms. The login answer
    gives the new session its token, so they all share it."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["csrf_token"] = "planted"
    browser.post("/auth/login", data={"username": "petugas", "password": DEMO_PASSWORD})
    token = session_data(app, browser).get("csrf_token")
    assert token and token != "planted"
    logged_out = browser.post("/auth/logout")
    assert logged_out.status_code == 303
    assert session_data(app, browser).get("csrf_token") not in (None, token)


def test_a_cookie_without_the_session_generation_is_refused(app, client):
    with client.session_transaction() as session:
        session["_user_id"] = str(account_id(app, "petugas"))  # the format before generations
    assert not signed_in(client)
