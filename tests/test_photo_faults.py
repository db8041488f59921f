"""Photos are never lost and never orphaned, whatever fails: a COMMIT whose answer is lost, a
database that cannot be asked whether it committed, a worker killed between the files and the
COMMIT, a full or unwritable photo store, files vanishing under the purge. Each fault is injected
at the driver or the OS (tests/faults.py), on SQLite and on PostgreSQL alike."""

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from domain import photos
from extensions import db
from models import Photo
from models import Report
from services import photo_store
from tests import faults
from tests.factories import make_report
from tests.factories import village
from tests.report_helpers import a_photo
from tests.report_helpers import counts
from tests.report_helpers import files_in
from tests.report_helpers import kept_tokens
from tests.report_helpers import post_form
from tests.report_helpers import report_data
from tests.report_helpers import tip_data

ONE_REPORT = {"reports": 1, "persons": 1, "events": 1, "photos": 1}
NOTHING = {"reports": 0, "persons": 0, "events": 0, "photos": 0}
TWO_DAYS = 2 * 24 * 3600


def stored_files_of_every_photo(app):
    """Every photo row's two files are in the store."""
    with app.app_context():
        rows = db.session.execute(select(Photo.stored_name, Photo.thumb_name)).all()
    store = set(files_in(app, "photos"))
    return bool(rows) and all({stored, thumb} <= store for stored, thumb in rows)


def reconcile_later(app, **options):
    """The daily job, run two days from now (every file is then old enough to judge)."""
    with app.app_context():
        return photo_store.reconcile(now=time.time() + TWO_DAYS, **options)


# -- the COMMIT raises --


def test_a_commit_whose_answer_is_lost_keeps_the_report_and_its_photos(app, client, official, monkeypatch):
    data = report_data()
    with app.app_context():
        fired = faults.lose_commit_answer(monkeypatch)
    response = post_form(client, "/reports/new", data, [a_photo()])
    monkeypatch.undo()
    assert fired
    assert response.status_code == 303  # settled by looking: the report is there
    with app.app_context():
        report = db.session.scalar(select(Report))
        assert response.headers["Location"] == f"/reports/{report.id}/sent"
        assert counts() == ONE_REPORT
    assert stored_files_of_every_photo(app)
    assert files_in(app, "pending") == []
    assert reconcile_later(app).orphans_removed == [] and reconcile_later(app).missing == []
    again = post_form(client, "/reports/new", data, [a_photo()])  # the phone resends anyway
    assert again.headers["Location"] == response.headers["Location"]
    with app.app_context():
        assert counts() == ONE_REPORT
    assert len(files_in(app, "photos")) == 2


def test_a_tip_whose_commit_answer_is_lost_is_saved_once_with_its_photo(app, client, monkeypatch):
    with app.app_context():
        kasu = village("Kasu").id
        faults.lose_commit_answer(monkeypatch)
    response = post_form(client, "/tips/new", tip_data(kasu), [a_photo()])
    monkeypatch.undo()
    assert response.status_code == 303 and "/tips/sent/" in response.headers["Location"]
    with app.app_context():
        assert counts() == ONE_REPORT
    assert stored_files_of_every_photo(app) and files_in(app, "pending") == []


def test_a_reply_whose_commit_answer_is_lost_keeps_its_photos(app, client, official, monkeypatch):
    with app.app_context():
        report = make_report(status="needs_info")
        report_id, version = report.id, report.version
        faults.lose_commit_answer(monkeypatch)
    response = post_form(client, f"/reports/{report_id}/reply",
                         {"text": "They left on the ferry.", "version": str(version)}, [a_photo()])
    monkeypatch.undo()
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Report, report_id).status == "in_review"
        assert counts()["photos"] == 1
    assert stored_files_of_every_photo(app) and files_in(app, "pending") == []


def test_a_commit_that_did_not_happen_puts_the_photos_back_in_the_form(app, client, official, monkeypatch):
    data = report_data()
    with app.app_context():
        faults.refuse_commit(monkeypatch)
    response = post_form(client, "/reports/new", data, [a_photo()])
    monkeypatch.undo()
    assert response.status_code == 500
    assert "Tidak ada yang tersimpan" in response.data.decode()
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "photos") == []
    [token] = kept_tokens(response.data.decode())
    again = post_form(client, "/reports/new", {**data, "kept_photo": token})
    assert again.status_code == 303
    with app.app_context():
        assert counts() == ONE_REPORT
    assert stored_files_of_every_photo(app) and files_in(app, "pending") == []


@pytest.mark.parametrize("committed", [True, False], ids=["it-had-committed", "it-had-not"])
def test_when_the_database_cannot_say_whether_it_committed_no_file_is_deleted(
        app, client, official, monkeypatch, committed):
    data = report_data()
    with app.app_context():
        fault = faults.lose_commit_answer if committed else faults.refuse_commit
        fault(monkeypatch, outage=faults.NO_ANSWER)
    response = post_form(client, "/reports/new", data, [a_photo()])
    monkeypatch.undo()
    assert response.status_code == 503
    page = response.data.decode()
    assert "Kami tidak dapat memastikan" in page  # "we could not confirm": honest, translated
    with app.app_context():
        assert counts() == (ONE_REPORT if committed else NOTHING)
    assert len(files_in(app, "photos")) == 2 and len(files_in(app, "pending")) == 2  # both names kept
    [token] = kept_tokens(page)

    again = post_form(client, "/reports/new", {**data, "kept_photo": token})  # the database is back
    assert again.status_code == 303
    with app.app_context():
        assert counts() == ONE_REPORT
    assert stored_files_of_every_photo(app)
    result = reconcile_later(app)
    assert result.orphans_removed == [] and result.missing == []
    assert stored_files_of_every_photo(app) and files_in(app, "pending") == []


def test_a_reply_whose_outcome_is_unknown_says_so_and_keeps_its_files(app, client, official, monkeypatch):
    with app.app_context():
        report = make_report(status="needs_info")
        report_id, version = report.id, report.version
        faults.lose_commit_answer(monkeypatch, outage=faults.NO_ANSWER)
    response = post_form(client, f"/reports/{report_id}/reply",
                         {"text": "They left on the ferry.", "version": str(version)}, [a_photo()])
    monkeypatch.undo()
    assert response.status_code == 503
    assert "Kami tidak dapat memastikan apakah jawaban Anda tersimpan" in response.data.decode()
    assert stored_files_of_every_photo(app)  # it had committed: its photo is in the store
    assert reconcile_later(app).orphans_removed == []


# -- a worker killed --


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_worker_killed_at_the_commit_leaves_nothing_lost_and_nothing_for_ever(app, client, when):
    """A real process, killed by SIGKILL just before or just after the COMMIT (the files are
    already linked into the store). Files and rows converge: the reconciler removes what no row
    owns once a day old; a resend of the same form gets the report exactly once."""
    data = report_data()
    child = subprocess.run(
        [sys.executable, "-m", "tests.crash_child", app.config["SQLALCHEMY_DATABASE_URI"],
         app.config["UPLOAD_DIR"], when, json.dumps(data)],
        cwd=Path(__file__).parent.parent, capture_output=True, timeout=120)
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    with app.app_context():
        assert counts() == (ONE_REPORT if when == "after" else NOTHING)
    assert len(files_in(app, "photos")) == 2  # linked before the COMMIT, whatever became of it

    with app.app_context():
        young = photo_store.reconcile()
    assert young.orphans_removed == []  # too young to judge: a COMMIT might still be on its way
    result = reconcile_later(app)
    assert result.missing == []
    if when == "after":
        assert result.orphans_removed == [] and stored_files_of_every_photo(app)
    else:
        assert len(result.orphans_removed) == 2 and files_in(app, "photos") == []
    assert files_in(app, "pending") == []  # the killed request's pending names are purged too

    client.post("/auth/login", data={"username": "desa", "password": "demo12345"})
    resent = post_form(client, "/reports/new", data, [a_photo()])
    assert resent.status_code == 303
    with app.app_context():
        assert counts() == ONE_REPORT
    assert stored_files_of_every_photo(app)


# -- the photo store full or unwritable --


def test_a_full_photo_store_is_a_clear_error_and_leaves_no_partial_file(app, client, official, monkeypatch):
    faults.fill_the_disk(monkeypatch, photos)
    response = post_form(client, "/reports/new", report_data(), [a_photo("jetty.jpg")])
    monkeypatch.undo()
    assert response.status_code == 503  # our side: the phone's outbox will try again
    page = response.data.decode()
    assert "“jetty.jpg” tidak dapat disimpan karena masalah di pihak kami" in page
    assert "Tidak ada yang tersimpan" in page
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "pending") == [] and files_in(app, "photos") == []


def test_an_unwritable_photo_store_saves_nothing_and_keeps_the_photo_for_the_form(
        app, client, official, monkeypatch):
    faults.make_unlinkable(monkeypatch, photos)
    data = report_data()
    response = post_form(client, "/reports/new", data, [a_photo()])
    monkeypatch.undo()
    assert response.status_code == 500
    assert "Tidak ada yang tersimpan" in response.data.decode()
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "photos") == [] and len(files_in(app, "pending")) == 2
    [token] = kept_tokens(response.data.decode())
    assert post_form(client, "/reports/new", {**data, "kept_photo": token}).status_code == 303
    assert stored_files_of_every_photo(app) and files_in(app, "pending") == []


def test_a_failed_write_removes_its_partial_file(tmp_path, monkeypatch):
    faults.fill_the_disk(monkeypatch, photos)
    with pytest.raises(OSError) as full:
        photos.store(a_photo()[0].getvalue(), tmp_path)
    assert full.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_where_hard_links_are_refused_the_store_gets_a_copy(tmp_path, monkeypatch):
    photo = photos.store(a_photo()[0].getvalue(), tmp_path / "pending")

    def no_links(_source, _target, *args, **kwargs):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(photos.os, "link", no_links)
    photos.link(photo, tmp_path / "pending", tmp_path / "photos")
    for name in photos.file_names(photo):
        assert (tmp_path / "photos" / name).read_bytes() == (tmp_path / "pending" / name).read_bytes()


# -- files vanishing under the purge --


def vanish_while_listing(monkeypatch, victim):
    """os.scandir lists the folder, then another request takes `victim` away before it is looked at."""
    real_scandir = os.scandir

    def scandir(path):
        entries = list(real_scandir(path))
        victim.unlink(missing_ok=True)
        return iter(entries)

    monkeypatch.setattr(photos.os, "scandir", scandir)


def test_the_purge_tolerates_files_vanishing_under_it(tmp_path, monkeypatch):
    two_days_ago = time.time() - TWO_DAYS
    for name in ("old-1.jpg", "old-2.jpg", "moved.jpg"):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (two_days_ago, two_days_ago))
    vanish_while_listing(monkeypatch, tmp_path / "moved.jpg")
    assert photos.purge_older_than(tmp_path) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_photo_upload_during_a_purge_that_loses_a_file_is_not_a_500(app, client, official, monkeypatch):
    pending = Path(app.config["UPLOAD_DIR"]) / "pending"
    pending.mkdir(parents=True)
    moved = pending / "being-moved.jpg"
    moved.write_bytes(b"x")
    os.utime(moved, (time.time() - TWO_DAYS,) * 2)
    vanish_while_listing(monkeypatch, moved)
    assert post_form(client, "/reports/new", report_data(), [a_photo()]).status_code == 303
    assert stored_files_of_every_photo(app)


# -- the daily reconciliation --


def test_reconcile_photos_removes_old_orphans_and_reports_missing_files(app, client, official, runner):
    assert post_form(client, "/reports/new", report_data(), [a_photo()]).status_code == 303
    store = Path(app.config["UPLOAD_DIR"]) / "photos"
    (store / "orphan.jpg").write_bytes(b"x")  # what a killed worker leaves
    assert runner.invoke(args=["reconcile-photos"]).exit_code == 0
    assert (store / "orphan.jpg").exists()  # written just now: not judged yet

    with app.app_context():
        photo = db.session.scalar(select(Photo))
        code = photo.report.code
        (store / photo.thumb_name).unlink()  # lost by something outside the app
    dry = reconcile_later(app, dry_run=True)
    assert dry.orphans_removed == ["orphan.jpg"] and (store / "orphan.jpg").exists()
    assert reconcile_later(app).orphans_removed == ["orphan.jpg"]
    assert not (store / "orphan.jpg").exists()
    result = runner.invoke(args=["reconcile-photos"])
    assert result.exit_code == 1
    assert f"missing: report {code}, photo {photo.id}, file {photo.thumb_name}" in result.output
    assert (store / photo.stored_name).exists()  # a row's file is never removed
