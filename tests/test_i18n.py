"""The Indonesian catalog is complete and current; the language choice works as promised."""

import re

import flask_babel
import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask import request
from flask_babel import force_locale
from sqlalchemy import select

import translate
from extensions import db
from models import User
from web import i18n

ID_CATALOG = translate.TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"


def read_catalog(path):
    with open(path, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    translate.extract(pot)
    return {message.id for message in read_catalog(pot) if message.id}


def test_catalog_has_every_message_of_the_sources(source_messages):
    catalog_ids = {message.id for message in read_catalog(ID_CATALOG) if message.id}
    missing = source_messages - catalog_ids
    assert not missing, f"run `make i18n` and translate: {sorted(missing)[:10]}"


def test_catalog_is_not_stale(source_messages):
    catalog_ids = {message.id for message in read_catalog(ID_CATALOG) if message.id}
    stale = catalog_ids - source_messages
    assert not stale, f"run `make i18n` to drop: {sorted(stale)[:10]}"


def test_every_entry_is_translated_and_not_fuzzy():
    catalog = read_catalog(ID_CATALOG)
    assert not catalog.fuzzy, "a fuzzy header makes pybabel skip the whole catalog"
    bad = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            bad.append(message.id)
    assert bad == []


def test_placeholders_match():
    catalog = read_catalog(ID_CATALOG)
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert problems == []


def test_indonesian_is_the_default(client):
    page = client.get("/").data.decode()
    assert '<html lang="id">' in page
    assert "Beranda" in page


def test_accept_language_decides_a_first_visit(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).data.decode()
    assert '<html lang="en">' in page
    assert "Home" in page


def test_switch_is_remembered_in_a_cookie(client):
    response = client.post("/language", data={"lang": "en", "next": "/auth/login"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get("/auth/login", headers={"Accept-Language": "id"}).data.decode()
    assert '<html lang="en">' in page
    assert "Username" in page


def test_switch_is_remembered_in_the_profile(app, auth, client):
    auth.login("petugas")
    client.post("/language", data={"lang": "en"})
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.username == "petugas")) == "en"
    other_device = app.test_client()
    other_device.post("/auth/login", data={"username": "petugas", "password": "demo12345"})
    page = other_device.get("/", headers={"Accept-Language": "id"}).data.decode()
    assert '<html lang="en">' in page


def test_unknown_language_is_refused(client):
    response = client.post("/language", data={"lang": "xx"})
    assert response.status_code == 400


def test_times_are_shown_in_jakarta(app):
    from datetime import UTC
    from datetime import datetime

    from flask_babel import format_datetime

    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown = format_datetime(datetime(2026, 1, 1, 20, 30, tzinfo=UTC), "HH:mm")
    assert shown == "03:30"


def test_wtforms_messages_are_translated(auth, client):
    response = client.post("/auth/login", data={"username": "", "password": ""})
    page = response.data.decode()
    assert "This field is required" not in page
    assert "Harap isi kolom ini" in page


def test_translations_follow_force_locale_and_refresh(app):
    with app.test_request_context("/", headers={"Accept-Language": "id"}):
        assert i18n.gettext("Log out") == "Keluar"
        with force_locale("en"):
            assert i18n.gettext("Log out") == "Log out"
            assert i18n.ngettext("%(num)s day", "%(num)s days", 2) == "2 days"
        assert i18n.gettext("Log out") == "Keluar"
        assert str(i18n.lazy_gettext("Log out")) == "Keluar"
        # Changing the choice within a request (as the language switch does) takes effect.
        request.cookies = {"lang": "en"}
        flask_babel.refresh()
        assert i18n.gettext("Log out") == "Log out"
        assert render_template_string("{{ _('Log out') }}") == "Log out"


def test_code_translates_through_i18n():
    """Flask-Babel's own gettext finds the request's catalog anew on every call (i18n.py)."""
    root = translate.TRANSLATIONS.parent
    sources = [path for path in root.rglob("*.py")
               if not {".venv", "tests"} & set(path.relative_to(root).parts)]
    direct = re.compile(r"^from flask_babel import (gettext|ngettext|lazy_gettext)\b", re.M)
    assert [str(path) for path in sources if direct.search(path.read_text())] == []
