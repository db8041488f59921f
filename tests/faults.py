"""Faults injected below our code, at the database driver and the operating system: a COMMIT
whose answer is lost, a database that stops answering for a moment, a full disk. Nothing of ours
is mocked; each fault is a real exception of the real driver or of the OS."""

import errno
import os

from extensions import db
from services.reports import LOOKS


def driver_error(message):
    """The exception the database's own driver raises when its connection breaks."""
    return db.engine.dialect.dbapi.OperationalError(message)


def lose_commit_answer(monkeypatch, outage=0):
    """The next COMMIT happens in the database but its answer never arrives: the connection drops
    (PostgreSQL) or the driver reports an I/O error (SQLite). With `outage`, the next `outage`
    statements after it fail too (the database does not answer the look-up). Returns a list that
    gets one entry when the fault fired."""
    original_commit = db.engine.dialect.do_commit

    def commit(dbapi_connection):
        original_commit(dbapi_connection)
        if db.engine.dialect.name == "postgresql":
            dbapi_connection.close()
            raise driver_error("server closed the connection unexpectedly")
        raise driver_error("disk I/O error")

    return _break_commit(monkeypatch, commit, outage)


def refuse_commit(monkeypatch, outage=0):
    """No COMMIT happens any more (the connection breaks before it reaches the database)."""

    def commit(_dbapi_connection):
        raise driver_error("server closed the connection unexpectedly")

    return _break_commit(monkeypatch, commit, outage, every_time=True)


def _break_commit(monkeypatch, failing_commit, outage, every_time=False):
    """The next COMMIT (or, `every_time`, each one) goes through `failing_commit`, then `outage`
    statements fail; other COMMITs are the driver's own. Returns a list that gets an entry each
    time the fault fired."""
    dialect = db.engine.dialect
    original_commit, original_execute = dialect.do_commit, dialect.do_execute
    fired, down = [], [0]

    def commit(dbapi_connection):
        if fired and not every_time:
            return original_commit(dbapi_connection)
        fired.append(True)
        down[0] = outage
        return failing_commit(dbapi_connection)

    def execute(cursor, statement, parameters, context=None):
        if down[0] > 0:
            down[0] -= 1
            raise driver_error("server closed the connection unexpectedly")
        return original_execute(cursor, statement, parameters, context)

    monkeypatch.setattr(dialect, "do_commit", commit)
    monkeypatch.setattr(dialect, "do_execute", execute)
    return fired


NO_ANSWER = LOOKS  # an outage long enough that the outcome cannot be looked up


class FullDisk:
    """A file opened for writing that takes part of the data, then fails with ENOSPC."""

    def __init__(self, real):
        self.real = real

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()

    def write(self, data):
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self.real, name)


def fill_the_disk(monkeypatch, module):
    """Every new file `module` writes fails halfway with 'No space left on device'."""
    real_open = open

    def full_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return FullDisk(handle) if "x" in mode or "w" in mode else handle

    monkeypatch.setattr(module, "open", full_open, raising=False)


def make_unlinkable(monkeypatch, module):
    """The store refuses new names (a read-only or foreign-owned folder): link() fails with EACCES."""
    def refuse(_source, _target, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(module.os, "link", refuse)
