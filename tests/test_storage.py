"""Database set-up: SQLite pragmas, migrations from empty on both engines, health check."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect
from sqlalchemy import text

from app import create_app
from app import outside_search_index
from extensions import db
from tests.conftest import USING_POSTGRES


def test_sqlite_runs_in_wal_with_foreign_keys(app):
    if USING_POSTGRES:
        pytest.skip("SQLite pragmas")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_migrations_build_the_schema_from_empty(empty_database):
    with empty_database.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "villages", "reports", "persons", "photos", "events"} <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": outside_search_index})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], "models and migrations differ: run `flask db migrate`"


def test_healthz_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "up"


def test_healthz_down(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down"
