"""Issue 14, point 6: an admin's password reset gives a one-time temporary password, shown once,
never kept in clear or logged, that must be changed at the next login before any other page."""

import logging
import re

from sqlalchemy import select

from domain import AuditKind
from extensions import db
from models import AuditEntry
from services import accounts
from services.demo import DEMO_PASSWORD
from tests.factories import user
from tests.test_admin import temporary_password_on
from tests.test_sessions import log_in as log_in_as


def reset(app, admin, username="petugas"):
    with app.app_context():
        user_id = user(username).id
    response = admin.post(f"/admin/users/{user_id}/password")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    return temporary_password_on(response)


def test_the_reset_shows_a_strong_temporary_password_once_and_keeps_only_its_hash(app, caplog):
    admin = log_in_as(app, "admin")
    officer = log_in_as(app, "petugas")
    caplog.set_level(logging.DEBUG)
    temporary = reset(app, admin)
    assert re.fullmatch(r"[23456789a-hjkmnp-z]{4}(-[23456789a-hjkmnp-z]{4}){3}", temporary)
    assert reset(app, admin) != temporary  # a new one each time
    temporary = reset(app, admin)
    with app.app_context():
        account = user("petugas")
        assert account.must_change_password and account.check_password(temporary)
        assert temporary not in account.password_hash
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.kind == AuditKind.PASSWORD_RESET)).all()
        assert len(entries) == 3 and all(temporary not in repr(vars(entry)) for entry in entries)
        assert {entry.actor.username for entry in entries} == {"admin"}
    assert temporary not in caplog.text
    assert officer.get("/review/").headers.get("Location", "").startswith("/auth/login")  # sessions ended
    account_page = admin.get(f"/admin/users/{account.id}").data.decode()
    assert temporary not in account_page  # shown once, never again


def test_the_next_login_leads_to_the_change_and_every_other_page_waits_for_it(app):
    temporary = reset(app, log_in_as(app, "admin"))
    browser = app.test_client()
    response = browser.post("/auth/login?next=/review/", data={"username": "petugas", "password": temporary})
    assert response.status_code == 303 and response.headers["Location"] == "/auth/password"
    for path in ("/", "/review/", "/guidance/", "/tips/new"):
        page = browser.get(path)
        assert page.status_code == 303 and page.headers["Location"] == "/auth/password", path
    htmx = browser.get("/review/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/auth/password"
    assert browser.get("/auth/password").status_code == 200
    same = browser.post("/auth/password", data={"current": temporary, "new": temporary, "confirm": temporary})
    assert same.status_code == 422
    browser.set_cookie("lang", "en")
    assert "different from the current one" in browser.post("/auth/password", data={
        "current": temporary, "new": temporary, "confirm": temporary}).data.decode()
    changed = browser.post("/auth/password", data={
        "current": temporary, "new": "my-own-secret-9", "confirm": "my-own-secret-9"})
    assert changed.status_code == 303
    assert browser.get("/review/").status_code == 200
    with app.app_context():
        account = user("petugas")
        assert not account.must_change_password
        assert account.check_password("my-own-secret-9") and not account.check_password(temporary)
    refused = app.test_client().post("/auth/login", data={"username": "petugas", "password": temporary})
    assert refused.status_code == 422  # one time only


def test_logging_out_stays_possible_with_a_temporary_password(app):
    temporary = reset(app, log_in_as(app, "admin"))
    browser = app.test_client()
    browser.post("/auth/login", data={"username": "petugas", "password": temporary})
    assert browser.post("/auth/logout").status_code == 303
    assert browser.get("/guidance/").status_code == 200


def test_an_admin_does_not_reset_their_own_password(app):
    admin = log_in_as(app, "admin")
    with app.app_context():
        admin_id, before = user("admin").id, user("admin").password_hash
    response = admin.post(f"/admin/users/{admin_id}/password")
    assert response.status_code == 303 and response.headers["Location"] == "/auth/password"
    with app.app_context():
        assert user("admin").password_hash == before and not user("admin").must_change_password


def test_an_unknown_account_is_404(app):
    assert log_in_as(app, "admin").post("/admin/users/9999/password").status_code == 404


def test_only_admins_reset(app):
    with app.app_context():
        user_id = user("desa").id
    assert log_in_as(app, "petugas").post(f"/admin/users/{user_id}/password").status_code == 403
    with app.app_context():
        assert user("desa").check_password(DEMO_PASSWORD)


def test_the_command_line_account_keeps_the_password_its_operator_chose(app, runner):
    result = runner.invoke(args=["create-user", "kasi", "--full-name", "Kasi", "--role", "admin",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not user("kasi").must_change_password
        assert accounts.authenticate("kasi", "long-enough-1") is not None
