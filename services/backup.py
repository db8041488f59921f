"""Backups: one archive with a consistent snapshot of the database, the report photos and a
manifest of checksums; and restoring such an archive into an empty instance.

SQLite is copied with its online backup API, which is safe while the app serves; PostgreSQL with
`pg_dump` (and `pg_restore`), whose dump is one consistent snapshot. The snapshot is taken before
the photos are copied: a report is committed after its photos are in place, so every report in
the snapshot finds its photos in the archive (photos of reports saved during the copy come along
too, and are harmless)."""

import hashlib
import json
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with fixed arguments, no shell
import tarfile
import tempfile
from datetime import UTC
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from extensions import db
from models import Report
from models import User
from services.reports import photo_dir

FORMAT = 1  # the archive layout; restore refuses any other
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
PHOTOS = "photos"


class BackupError(RuntimeError):
    """Why a backup or a restore could not be done; nothing was changed."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _postgres_dsn(url):
    """A libpq connection string for pg_dump and pg_restore (they do not read SQLAlchemy's)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _snapshot(folder):
    """The database, consistently, into `folder`; returns the file's name."""
    url = _database_url()
    if url.get_backend_name() == "sqlite":
        target = folder / SQLITE_FILE
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_FILE
    if url.get_backend_name() == "postgresql":
        target = folder / POSTGRES_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
              f"--dbname={_postgres_dsn(url)}"])
        return POSTGRES_FILE
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def _run(command):
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)  # nosec B603
    except FileNotFoundError as missing:
        raise BackupError(f"{command[0]} is not installed") from missing
    except subprocess.CalledProcessError as failed:
        raise BackupError(f"{command[0]} failed: {failed.stderr.strip()[:500]}") from failed


def backup(archive):
    """Write the archive (a .tar.gz) to `archive`; returns its manifest."""
    archive = Path(archive)
    if archive.exists():
        raise BackupError(f"{archive} exists already")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = _snapshot(folder)
        photos = sorted(path for path in photo_dir().glob("*") if path.is_file())
        files = {database: _sha256(folder / database)}
        for path in photos:
            files[f"{PHOTOS}/{path.name}"] = _sha256(path)
        manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(),
                    "database": database, "files": files}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, MANIFEST)
            tar.add(folder / database, database)
            for path in photos:
                tar.add(path, f"{PHOTOS}/{path.name}")
        partial.replace(archive)  # a failed backup never leaves a file that looks complete
    return manifest


def _unpack(archive, folder):
    """Unpack and check every file against the manifest; returns the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:  # only plain files and folders, only inside `folder`
                name = Path(member.name)
                if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
                    raise BackupError(f"{archive} holds an unexpected entry: {member.name}")
            tar.extractall(folder, members=members)  # nosec B202 - every member checked above
    except (OSError, tarfile.TarError) as broken:
        raise BackupError(f"{archive} is not a readable backup: {broken}") from broken
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as broken:
        raise BackupError(f"{archive} has no readable manifest") from broken
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is a backup of another format")
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    if present - {MANIFEST} != set(manifest["files"]):
        raise BackupError("the archive's files differ from its manifest")
    for name, checksum in manifest["files"].items():
        if _sha256(folder / name) != checksum:
            raise BackupError(f"{name} does not match its checksum: the archive is damaged")
    return manifest


def _instance_is_empty():
    """No table with accounts or reports, or tables without rows; and no photo files."""
    tables = set(inspect(db.engine).get_table_names())
    for model in (User, Report):
        if model.__tablename__ in tables and db.session.scalar(select(func.count()).select_from(model)):
            return False
    return not any(photo_dir().glob("*"))


def restore(archive):
    """Restore the archive into this instance, which must be empty; returns its manifest."""
    if not _instance_is_empty():
        raise BackupError("this instance already has data: restore only into an empty one")
    db.session.remove()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        manifest = _unpack(archive, folder)
        url = _database_url()
        if manifest["database"] == SQLITE_FILE and url.get_backend_name() == "sqlite":
            db.engine.dispose()
            target = Path(url.database)
            for leftover in (target, *(target.with_name(target.name + end) for end in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(folder / SQLITE_FILE, target)
        elif manifest["database"] == POSTGRES_FILE and url.get_backend_name() == "postgresql":
            # Empty tables an upgrade may have made: pg_restore brings its own.
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            db.engine.dispose()
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
                  f"--dbname={_postgres_dsn(url)}", str(folder / POSTGRES_FILE)])
        else:
            raise BackupError(f"a backup of {manifest['database']} cannot be restored into "
                              f"a {url.get_backend_name()} database")
        photo_dir().mkdir(parents=True, exist_ok=True)
        for name in manifest["files"]:
            if name.startswith(f"{PHOTOS}/"):
                shutil.copy2(folder / name, photo_dir() / Path(name).name)
    return manifest
