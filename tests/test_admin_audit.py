"""The audit log records every admin change to accounts and villages: who, when, what changed
(field by field, never a password), on /audit?log=accounts."""

import json

from sqlalchemy import select

from extensions import db
from models import AuditEntry
from tests.factories import user
from tests.factories import village
from tests.test_admin import account_form
from tests.test_admin import temporary_password_on

VILLAGE = {"name": "Sekupang", "kecamatan": "Sekupang", "kabupaten": "Kota Batam",
           "province": "Kepulauan Riau", "active": "y"}


def audit_entries(app):
    """[(kind, actor, account or village, changes)] oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.kind, e.actor.username if e.actor else None,
                 e.user.username if e.user else (e.village.name if e.village else None),
                 json.loads(e.changes) if e.changes else {}) for e in rows]


def test_account_changes_are_audited_field_by_field(app, auth, client):
    auth.sign_in_as("admin")
    with app.app_context():
        kasu, pecong = village("Kasu").id, village("Pecong").id
    form = account_form(villages=[str(kasu)])
    created_page = client.post("/admin/users/new", data=form)
    assert created_page.status_code == 200
    first_password = temporary_password_on(created_page)
    with app.app_context():
        sari = user("sari").id
    changed = account_form(role="official", village=str(pecong), full_name="Sari Dewi")
    assert client.post(f"/admin/users/{sari}", data=changed).status_code == 303
    again = account_form(role="officer", villages=[str(kasu), str(pecong)], full_name="Sari Dewi")
    again.pop("active")
    assert client.post(f"/admin/users/{sari}", data=again).status_code == 303
    reset_page = client.post(f"/admin/users/{sari}/password")
    assert reset_page.status_code == 200
    second_password = temporary_password_on(reset_page)
    entries = audit_entries(app)
    assert [(kind, actor, subject) for kind, actor, subject, _ in entries] == [
        ("account_created", "admin", "sari"),
        ("account_changed", "admin", "sari"),
        ("account_changed", "admin", "sari"),
        ("account_deactivated", "admin", "sari"),
        ("password_reset", "admin", "sari"),
    ]
    created, first, second = entries[0][3], entries[1][3], entries[2][3]
    assert created["role"] == [None, "officer"] and created["villages"] == [None, "Kasu"]
    assert first == {"full_name": ["Sari", "Sari Dewi"], "role": ["officer", "official"],
                     "village": [None, "Pecong"], "villages": ["Kasu", None]}
    assert second == {"role": ["official", "officer"], "village": ["Pecong", None],
                      "villages": [None, "Kasu, Pecong"]}
    assert first_password not in repr(entries) and second_password not in repr(entries)
    with app.app_context():
        assert all("password" not in kind for kind, *_ in entries[:3])


def test_village_changes_are_audited(app, auth, client):
    auth.sign_in_as("admin")
    assert client.post("/admin/villages/new", data=VILLAGE).status_code == 303
    with app.app_context():
        new_id = village("Sekupang").id
    renamed = {**VILLAGE, "name": "Sekupang Baru", "kecamatan": "Sekupang Barat"}
    assert client.post(f"/admin/villages/{new_id}", data=renamed).status_code == 303
    inactive = {key: value for key, value in renamed.items() if key != "active"}
    assert client.post(f"/admin/villages/{new_id}", data=inactive).status_code == 303
    entries = audit_entries(app)
    assert [(kind, actor) for kind, actor, _subject, _ in entries] == [
        ("village_created", "admin"), ("village_renamed", "admin"), ("village_changed", "admin"),
        ("village_deactivated", "admin")]
    assert entries[1][3] == {"name": ["Sekupang", "Sekupang Baru"]}
    assert entries[2][3] == {"kecamatan": ["Sekupang", "Sekupang Barat"]}
    assert {subject for _kind, _actor, subject, _ in entries} == {"Sekupang Baru"}


def test_an_unchanged_save_writes_nothing(app, auth, client):
    auth.sign_in_as("admin")
    with app.app_context():
        desa = user("desa")
        form = account_form(username="desa", full_name=desa.full_name, role="official",
                            village=str(desa.village_id), phone=desa.phone)
        kasu = village("Kasu")
        village_form = {"name": "Kasu", "kecamatan": kasu.kecamatan, "kabupaten": kasu.kabupaten,
                        "province": kasu.province, "active": "y"}
        ids = desa.id, kasu.id
    assert client.post(f"/admin/users/{ids[0]}", data=form).status_code == 303
    assert client.post(f"/admin/villages/{ids[1]}", data=village_form).status_code == 303
    assert audit_entries(app) == []


def test_the_accounts_log_lists_entries_and_filters_by_user(app, auth, client):
    auth.sign_in_as("admin")
    assert client.post("/admin/villages/new", data=VILLAGE).status_code == 303
    assert client.post("/admin/users/new", data=account_form()).status_code == 200
    with app.app_context():
        sari, petugas = user("sari").id, user("petugas").id
    client.post(f"/admin/users/{petugas}/sessions")
    page = client.get("/audit/?log=accounts").data.decode()
    for text in ("Akun dibuat", "Desa dibuat", "Semua sesi diakhiri", "Sekupang", "sari"):
        assert text in page, text
    assert "long-enough-1" not in page
    only_sari = client.get(f"/audit/?log=accounts&user={sari}").data.decode()
    assert "Akun dibuat" in only_sari and "Desa dibuat" not in only_sari
    reports = client.get("/audit/").data.decode()
    assert "Akun dibuat" not in reports
    assert client.get("/audit/?log=other").status_code == 422


def test_create_user_on_the_command_line_is_audited(app, runner):
    result = runner.invoke(args=["create-user", "budi", "--full-name", "Budi", "--role", "admin",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    [(kind, actor, subject, changes)] = audit_entries(app)
    assert (kind, actor, subject) == ("account_created", None, "budi")
    assert "long-enough-1" not in repr(changes)
