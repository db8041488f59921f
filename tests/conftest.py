"""Fixtures in flaskr's shape: a fresh database per test, a client, and signed-in users."""

import os
import shutil
import sys
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy import text

from app import create_app
from config import Config
from domain.encryption import new_key
from extensions import db
from models import User
from services import search
from services.demo import DEMO_PASSWORD
from services.demo import seed_demo

USING_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
# What a production app needs besides SECRET_KEY: its own data keys (app.install_keyring).
PRODUCTION_KEYS = {"DATA_KEYS": new_key(), "BLIND_INDEX_KEY": new_key()}


# A test server's commits need not wait for the disk: a test never survives a server crash.
POSTGRES_TEST_ENGINE = {"SQLALCHEMY_ENGINE_OPTIONS": {
    **Config.SQLALCHEMY_ENGINE_OPTIONS, "connect_args": {"options": "-c synchronous_commit=off"}}}


def database_uri(tmp_path):
    """PostgreSQL when TEST_DATABASE_URL is set, else a real SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config(tmp_path, request):
    """Settings for one test; tests may change them before asking for `app`, or parametrize
    this fixture indirectly with the settings to add."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri(tmp_path),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        **(POSTGRES_TEST_ENGINE if USING_POSTGRES else {}),
        **getattr(request, "param", {}),
    }


# The PostgreSQL databases whose schema this run made: a database kept from an earlier run may
# hold an older schema under the same table names.
SCHEMA_MADE = set()


def empty_schema():
    """Every table empty, ids from 1. A schema this run made is emptied with one TRUNCATE: on
    PostgreSQL, dropping and creating two dozen tables and their indexes for each test cost more
    than most tests (file creations, catalog rows that autovacuum-less servers never reclaim)."""
    tables = set(db.inspect(db.engine).get_table_names())
    wanted = set(db.metadata.tables) | {search.TABLE}
    url = db.engine.url.render_as_string()
    if db.engine.dialect.name != "postgresql" or url not in SCHEMA_MADE or not wanted <= tables:
        db.drop_all()
        db.create_all()
        SCHEMA_MADE.add(url)
        return
    # The table names come from our own metadata, not from input.
    db.session.execute(text(f"TRUNCATE {', '.join(sorted(wanted))} RESTART IDENTITY CASCADE"))
    db.session.commit()


@contextmanager
def seeded(app):
    """The app on an empty schema with the demo villages and accounts."""
    with app.app_context():
        empty_schema()
        seed_demo()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def seeded_sqlite_file(tmp_path_factory):
    """A SQLite file with the schema and the demo villages and accounts, made once per run:
    copying it is a tenth of the cost of building it for each test."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.remove()
        db.engine.dispose()  # the last connection folds the write-ahead log into the file
    return path


@pytest.fixture
def app(app_config, tmp_path, seeded_sqlite_file):
    """A fresh database for each test: a copy of the seeded SQLite file, or on PostgreSQL the
    schema made anew."""
    copy = (app_config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'test.db'}"
            and "PASSWORD_HASH_METHOD" not in app_config)  # the copy's accounts use the cheap one
    if not copy:
        with seeded(create_app(app_config)) as app:
            yield app
        return
    shutil.copyfile(seeded_sqlite_file, tmp_path / "test.db")
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in through the real login form, or quickly by session for matrix tests."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def login(self, username="desa", password=DEMO_PASSWORD):
        return self.client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def sign_in_as(self, username):
        with self.app.app_context():
            user_id = db.session.scalar(select(User).where(User.username == username)).get_id()
        with self.client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
            session["signed_in_at"] = int(time.time())

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


@pytest.fixture
def official(app, auth):
    """The demo official of Tanjung Sari, signed in through the form, with a phone on file."""
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "desa")).phone = "0812 0000 1111"
        db.session.commit()
    auth.login("desa")


@pytest.fixture
def officer(auth):
    """The demo PIMPASA officer (Tanjung Sari, Sekanak Raya, Pemping), signed in."""
    auth.sign_in_as("petugas")


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Browser tests carry the e2e mark and are skipped, loudly, without a Chromium."""
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.e2e)
            # A real browser on a shared two-core machine can miss a beat; a second failure is
            # a real one. Reruns are listed in the summary, so flakiness stays visible.
            item.add_marker(pytest.mark.flaky(reruns=1))
            if not os.access(CHROMIUM, os.X_OK):
                item.add_marker(skip)


def pytest_runtest_logreport(report):
    """A rerun that passes leaves no failure in the summary: print why the first run failed, so a
    flaky test's cause is in the CI log and can be fixed."""
    if report.outcome == "rerun":
        print(f"\nRERUN {report.nodeid}, first failure:\n{report.longreprtext}", file=sys.stderr)


@pytest.fixture
def empty_database(tmp_path):
    """An app on a database with no tables at all, for the migrations to build."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri(tmp_path)})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()
