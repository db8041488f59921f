"""`flask backup` and `flask restore`: one archive with a consistent snapshot of the database, the
photos and their checksums, restored into an empty instance, on SQLite and on PostgreSQL."""

import tarfile
import threading
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from domain import photos
from extensions import db
from models import Photo
from models import Report
from services.reports import photo_dir
from tests import factories
from tests import photo_samples
from tests.conftest import USING_POSTGRES
from tests.conftest import database_uri

PHOTO = photo_samples.jpeg(640, 480, with_gps=False)


def report_with_photo():
    """A saved report with one real photo in the store (call inside an app context)."""
    report = factories.make_report(commit=False)
    stored = photos.store(PHOTO, photo_dir(), "image/jpeg", "a.jpg")
    report.photos.append(Photo(**asdict(stored)))
    db.session.commit()
    return report.id


@pytest.fixture
def empty_instance(tmp_path):
    """A second instance with an empty database and no photos, for restoring into."""
    if USING_POSTGRES:
        url = make_url(database_uri(tmp_path))
        name = f"{url.database}_restore"
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        uri = url.set(database=name).render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{tmp_path / 'restored.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "UPLOAD_DIR": str(tmp_path / "restored")})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if USING_POSTGRES:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def contents(app):
    """{report code: [photo sha256]} and the photo files, as the instance has them."""
    with app.app_context():
        reports = db.session.scalars(select(Report)).all()
        found = {report.code: sorted(photo.sha256 for photo in report.photos) for report in reports}
        missing = [photo.stored_name for report in reports for photo in report.photos
                   if not photos.exists(photo, photo_dir())]
        db.session.remove()
    return found, missing


def test_a_backup_restores_every_report_with_its_photos(app, empty_instance, tmp_path):
    with app.app_context():
        for _ in range(3):
            report_with_photo()
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "3 photo files" not in result.output and "6 photo files" in result.output  # + thumbnails

    result = empty_instance.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    original, restored = contents(app), contents(empty_instance)
    assert restored == original and len(restored[0]) == 3 and restored[1] == []


def test_reports_saved_while_the_backup_runs_are_all_there_or_not_at_all(app, empty_instance,
                                                                         tmp_path):
    """A writer keeps saving reports during the backup: each report committed before it began
    is restored, and each restored report has its photos."""
    with app.app_context():
        before = {report_with_photo() for _ in range(5)}
    stop, written = threading.Event(), []

    def keep_writing():
        with app.app_context():
            while not stop.is_set() and len(written) < 200:
                written.append(report_with_photo())
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "live.tar.gz")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert written  # the writer did write during the backup
    result = empty_instance.test_cli_runner().invoke(args=["restore", str(tmp_path / "live.tar.gz")])
    assert result.exit_code == 0, result.output
    with empty_instance.app_context():
        restored_ids = set(db.session.scalars(select(Report.id)))
        db.session.remove()
    assert before <= restored_ids
    _codes, missing = contents(empty_instance)
    assert missing == []


def test_a_damaged_archive_is_refused_and_nothing_is_restored(app, empty_instance, tmp_path):
    with app.app_context():
        report_with_photo()
    archive = tmp_path / "backup.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    photo = next((unpacked / "photos").glob("*.jpg"))
    photo.write_bytes(photo.read_bytes()[:-10])  # a bit of the photo lost
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in sorted(unpacked.rglob("*")):
            tar.add(path, path.relative_to(unpacked).as_posix(), recursive=False)
    result = empty_instance.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code != 0 and "checksum" in result.output
    with empty_instance.app_context():
        assert inspect(db.engine).get_table_names() == []  # nothing restored
        db.session.remove()
    assert not any(Path(empty_instance.config["UPLOAD_DIR"]).rglob("*.jpg"))


def test_restore_refuses_an_instance_that_has_data(app, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "already has data" in result.output


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code != 0 and archive.read_text() == "keep me"
