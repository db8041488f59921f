"""Admins manage villages, accounts and officers' assignments."""

import re

from sqlalchemy import select

from extensions import db
from models import User
from models import Village
from tests.factories import user
from tests.factories import village


def temporary_password_on(response):
    """The one-time password an admin's page shows after creating an account or a reset."""
    return re.search(r'<code id="temporary-password">([^<]+)</code>', response.data.decode()).group(1)


def account_form(**overrides):
    data = {"username": "sari", "full_name": "Sari", "phone": "", "role": "officer",
            "village": "0", "active": "y"}
    data.update(overrides)
    return data


def test_admin_overview_lists_villages_and_accounts(auth, client):
    auth.sign_in_as("admin")
    page = client.get("/admin/").data.decode()
    assert "Pulau Terong" in page and "petugas" in page


def test_add_and_rename_a_village(app, auth, client):
    auth.sign_in_as("admin")
    data = {"name": "Sekupang", "kecamatan": "Sekupang", "kabupaten": "Kota Batam",
            "province": "Kepulauan Riau", "active": "y"}
    assert client.post("/admin/villages/new", data=data).status_code == 303
    with app.app_context():
        new_id = village("Sekupang").id
    response = client.post(f"/admin/villages/{new_id}", data={**data, "name": "Sekupang Baru"})
    assert response.status_code == 303
    with app.app_context():
        assert village("Sekupang Baru") is not None


def test_village_names_are_unique(auth, client):
    auth.sign_in_as("admin")
    data = {"name": "Kasu", "kecamatan": "x", "kabupaten": "x", "province": "x"}
    response = client.post("/admin/villages/new", data=data)
    assert response.status_code == 422
    assert "sudah ada" in response.data.decode()


def test_create_officer_with_villages(app, auth, client):
    auth.sign_in_as("admin")
    with app.app_context():
        ids = [village("Kasu").id, village("Pecong").id]
    form = account_form(villages=[str(i) for i in ids], email="sari@imigrasi.example")
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    temporary = temporary_password_on(response)
    with app.app_context():
        created = user("sari")
        assert sorted(v.name for v in created.villages) == ["Kasu", "Pecong"]
        assert created.check_password(temporary) and created.must_change_password
        assert created.email == "sari@imigrasi.example"


def test_email_must_look_like_one(auth, client):
    auth.sign_in_as("admin")
    response = client.post("/admin/users/new", data=account_form(email="not-an-address"))
    assert response.status_code == 422
    assert "alamat e-mail" in response.data.decode()


def test_official_needs_exactly_one_village(auth, client):
    auth.sign_in_as("admin")
    response = client.post("/admin/users/new", data=account_form(role="official"))
    assert response.status_code == 422
    assert "satu desa" in response.data.decode()


def test_deactivate_an_account(app, auth, client):
    auth.sign_in_as("admin")
    with app.app_context():
        official = user("desa")
        data = account_form(username="desa", full_name=official.full_name, role="official",
                            village=str(official.village_id))
        data.pop("active")
        official_id = official.id
    assert client.post(f"/admin/users/{official_id}", data=data).status_code == 303
    with app.app_context():
        assert not db.session.get(User, official_id).active
    fresh_device = app.test_client()
    response = fresh_device.post("/auth/login", data={"username": "desa", "password": "demo12345"})
    assert response.status_code == 422


def test_admin_cannot_lock_themselves_out(app, auth, client):
    auth.sign_in_as("admin")
    with app.app_context():
        admin_id = user("admin").id
    response = client.post(f"/admin/users/{admin_id}",
                           data=account_form(username="admin", role="officer"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, admin_id).role == "admin"


def test_forged_choice_gets_a_translated_message(auth, client):
    auth.sign_in_as("admin")
    response = client.post("/admin/users/new", data=account_form(role="emperor", villages=["999"]))
    assert response.status_code == 422
    page = response.data.decode()
    assert "Not a valid choice" not in page and "not a valid choice" not in page


def test_usernames_are_unique(auth, client):
    auth.sign_in_as("admin")
    response = client.post("/admin/users/new", data=account_form(username="Petugas"))
    assert response.status_code == 422


def test_unknown_village_or_user_is_404(auth, client):
    auth.sign_in_as("admin")
    assert client.get("/admin/villages/999").status_code == 404
    assert client.get("/admin/users/999").status_code == 404


def test_no_half_saved_account_on_error(app, auth, client):
    auth.sign_in_as("admin")
    client.post("/admin/users/new", data=account_form(email="not-an-address"))
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "sari")) is None
        assert db.session.scalar(select(Village).where(Village.name == "Kasu")) is not None
