"""Issue 14, point 4: the retention rule. Closed reports and never-confirmed tips older than the
retention period lose their personal data (names, passport numbers, birth dates, phones, place,
texts, photos) and keep what the statistics need; the recap of the period is unchanged."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from domain import EventKind
from domain import Outcome
from domain import Source
from domain import Status
from extensions import db
from models import AuditEntry
from models import Event
from models import Person
from models import PersonRecord
from models import Photo
from models import Report
from services import retention
from services.recap import build_recap
from tests.factories import make_report
from tests.factories import person_seen
from tests.factories import user

NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=800)  # past the default 730 days
RECENTLY = NOW - timedelta(days=100)
PERSONAL = ("reporter_name", "reporter_phone", "address", "rt_rw", "latitude", "longitude",
            "accuracy_m", "description")


def add_photo(app, report, name, event_id=None):
    """A photo row with its two files in the store."""
    store = Path(app.config["UPLOAD_DIR"]) / "photos"
    store.mkdir(parents=True, exist_ok=True)
    for file_name in (f"{name}.jpg", f"{name}.thumb.jpg"):
        (store / file_name).write_bytes(b"jpeg")
    report.photos.append(Photo(stored_name=f"{name}.jpg", thumb_name=f"{name}.thumb.jpg",
                               sha256="0" * 64, size_bytes=4, width=1, height=1, event_id=event_id))


def old_report(app, status=Status.CLOSED, when=LONG_AGO, reporter="desa", photo=None, **fields):
    """A report with every kind of personal data, its history, and optionally a photo."""
    report = make_report(reporter=reporter, status=status, created_at=when - timedelta(days=30),
                         updated_at=when, commit=False, reporter_name="Pak Lurah",
                         reporter_phone="0812 9999 0000", rt_rw="003/005", latitude=1.14,
                         longitude=103.89, accuracy_m=12.0, **fields)
    report.persons[0].birth_date = datetime(1990, 5, 17)
    report.persons[0].age = 35
    report.persons[0].permit_type = "ITAS"
    officer = user("petugas")
    report.events += [
        Event(kind=EventKind.ASSIGNED, actor=officer, text=officer.full_name, created_at=when),
        Event(kind=EventKind.INFO_REQUEST, actor=officer, text="Who else lives there?", created_at=when,
              from_status=Status.NEW, to_status=Status.NEEDS_INFO),
        Event(kind=EventKind.REPLY, text="Her husband Budi, phone 0813 222", created_at=when,
              from_status=Status.NEEDS_INFO, to_status=Status.IN_REVIEW),
        Event(kind=EventKind.NOTE, actor=officer, text="Known to the police", created_at=when,
              visible_to_reporter=False),
        Event(kind=EventKind.STATUS, actor=officer, from_status=Status.IN_REVIEW,
              to_status=Status.FORWARDED, created_at=when),
    ]
    if status == Status.CLOSED:
        report.outcome = Outcome.ACTION_TAKEN
        report.events.append(Event(kind=EventKind.STATUS, actor=officer, text="Thank you, we acted.",
                                   from_status=Status.FORWARDED, to_status=Status.CLOSED, created_at=when))
    if photo:
        db.session.flush()
        add_photo(app, report, photo)
        add_photo(app, report, photo + "-answer", event_id=report.events[3].id)  # with the reply
    db.session.commit()
    return report.id


@pytest.fixture
def world(app):
    """Reports on both sides of the rule (730 days by default)."""
    with app.app_context():
        return {
            "old_closed": old_report(app, photo="old"),
            "old_tip_waiting": old_report(app, Status.NEEDS_INFO, reporter=None, photo="tip"),
            "old_tip_new": old_report(app, Status.NEW, reporter=None),
            "young_closed": old_report(app, when=RECENTLY, photo="young"),
            "old_open": old_report(app, Status.IN_REVIEW, photo="open"),
            "old_tip_in_field": old_report(app, Status.FIELD_CHECK, reporter=None),
        }


PURGED = ("old_closed", "old_tip_waiting", "old_tip_new")
KEPT = ("young_closed", "old_open", "old_tip_in_field")


def snapshot(report_id):
    """Everything a report holds, to compare before and after."""
    report = db.session.get(Report, report_id)
    return {
        "report": {c.key: getattr(report, c.key) for c in Report.__table__.columns},
        "persons": [{c.key: getattr(p, c.key) for c in Person.__table__.columns} for p in report.persons],
        "events": [(e.kind, e.text, e.from_status, e.to_status, e.actor_id, e.created_at)
                   for e in report.events],
        "photos": sorted(p.stored_name for p in report.photos),
    }


def store_files(app):
    store = Path(app.config["UPLOAD_DIR"]) / "photos"
    return sorted(p.name for p in store.iterdir())


def recap_of_the_period(app):
    start = (LONG_AGO - timedelta(days=60)).date()
    recap = build_recap(None, start, date.today())
    return (recap.reports, [(block.name, [(row.keys, row.current, row.previous) for row in block.rows])
                            for block in recap.blocks], [tuple(r) for r in recap.forwarded])


def test_the_purge_removes_personal_data_and_keeps_what_the_statistics_need(app, world):
    with app.app_context():
        before = {name: snapshot(report_id) for name, report_id in world.items()}
        done = retention.purge(now=NOW)
        assert (done.reports, done.persons, done.photos) == (3, 3, 4)
        assert done.events == 3 * 3 + 1  # question, reply, note; the closed one's closing message
        for name in PURGED:
            report = db.session.get(Report, world[name])
            old = before[name]["report"]
            assert report.anonymised_at is not None
            for column in PERSONAL:
                assert getattr(report, column) in ("", None), (name, column)
            for column in ("code", "category", "urgency", "village_id", "source", "status", "outcome",
                           "created_at", "observed_at", "first_reviewed_at", "reporter_id"):
                assert getattr(report, column) == old[column], (name, column)
            assert report.version == old["version"] + 1
            [person] = report.persons
            assert (person.name, person.name_key, person.passport_no, person.birth_date, person.age) == \
                ("", "", "", None, None)
            assert (person.nationality, person.sex, person.permit_type) == ("SG", "male", "ITAS")
            assert report.photos == []
            texts = {event.kind: event.text for event in report.events}
            assert texts[EventKind.ASSIGNED] == user("petugas").full_name  # the officer's, not theirs
            assert all(not text for kind, text in texts.items() if kind != EventKind.ASSIGNED)
            assert [(e[0], e[2], e[3], e[4], e[5]) for e in snapshot(report.id)["events"]] == \
                [(e[0], e[2], e[3], e[4], e[5]) for e in before[name]["events"]]
        for name in KEPT:
            assert snapshot(world[name]) == before[name], name
        assert not db.session.scalars(select(Photo).where(Photo.stored_name.like("old%"))).all()
    assert store_files(app) == sorted(
        f"{stem}{end}" for stem in ("young", "young-answer", "open", "open-answer")
        for end in (".jpg", ".thumb.jpg"))


def test_the_recap_of_a_purged_period_adds_up_to_the_same_figures(app, world):
    with app.app_context():
        before = recap_of_the_period(app)
        assert before[0] == 6 and before[2]  # every report, and the forwarded ones listed
        retention.purge(now=NOW)
        db.session.expire_all()
        assert recap_of_the_period(app) == before


def test_a_dry_run_changes_nothing_and_says_what_it_would_do(app, world, runner):
    with app.app_context():
        before = {name: snapshot(report_id) for name, report_id in world.items()}
    files = store_files(app)
    result = runner.invoke(args=["purge", "--older-than", "730", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "3 reports older than 730 days would be anonymised: 3 persons, 10 texts, 4 photos" in result.output
    with app.app_context():
        assert {name: snapshot(report_id) for name, report_id in world.items()} == before
        assert db.session.scalars(select(AuditEntry)).all() == []
    assert store_files(app) == files


def test_each_purge_writes_one_audit_entry_with_counts_readable_on_the_audit_page(app, world, runner,
                                                                                  client, auth):
    result = runner.invoke(args=["purge", "--older-than", "700"])
    assert result.exit_code == 0, result.output
    assert "3 reports older than 700 days anonymised: 3 persons, 10 texts, 4 photos" in result.output
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert entry.kind == "retention_purge" and entry.actor_id is None
        assert json.loads(entry.changes) == {"older_than_days": 700, "reports": 3, "persons": 3,
                                             "photos": 4, "events": 10}
    auth.sign_in_as("admin")
    client.set_cookie("lang", "en")
    page = client.get("/audit/?log=accounts").data.decode()
    assert "Old reports anonymised under the retention rule" in page
    assert "older than 700 days: 3 reports anonymised" in page


def test_the_purge_is_done_once(app, world):
    with app.app_context():
        retention.purge(now=NOW)
        after = {name: snapshot(report_id) for name, report_id in world.items()}
        again = retention.purge(now=NOW + timedelta(days=1))
        assert (again.reports, again.persons, again.photos, again.events) == (0, 0, 0, 0)
        assert {name: snapshot(report_id) for name, report_id in world.items()} == after
        assert len(db.session.scalars(select(AuditEntry)).all()) == 2  # each run is on record


def test_batches_cover_every_due_report(app, world):
    with app.app_context():
        done = retention.purge(now=NOW, batch_size=1)
        assert done.reports == 3
        assert db.session.scalar(select(Report.id).where(retention.due(NOW - timedelta(days=730)))) is None


def test_the_period_comes_from_the_setting(app, world):
    app.config["RETENTION_DAYS"] = 50  # the young closed report is now due too
    with app.app_context():
        assert retention.purge(now=NOW).reports == 4
        assert db.session.get(Report, world["old_open"]).anonymised_at is None


def test_flask_daily_runs_the_purge(app, world, runner):
    result = runner.invoke(args=["daily"])
    assert result.exit_code == 0, result.output
    assert "retention: 3 reports older than 730 days anonymised" in result.output
    assert "silent villages: MAIL_SERVER is not set" in result.output
    with app.app_context():
        assert [e.kind for e in db.session.scalars(select(AuditEntry))] == ["retention_purge"]


def test_the_pages_say_why_the_fields_are_empty(app, world, client, auth):
    auth.sign_in_as("petugas")
    client.set_cookie("lang", "en")
    with app.app_context():
        retention.purge(now=NOW)
    page = client.get(f"/review/{world['old_closed']}").data.decode()
    assert "Anonymised under the retention rule" in page
    assert "Pak Lurah" not in page and "Who else lives there?" not in page
    open_page = client.get(f"/review/{world['old_open']}").data.decode()
    assert "Anonymised under the retention rule" not in open_page


def test_a_too_short_period_is_refused(app, runner):
    result = runner.invoke(args=["purge", "--older-than", "0"])
    assert result.exit_code != 0
    with app.app_context():
        with pytest.raises(ValueError):
            retention.purge(0)


def test_tips_of_residents_follow_the_same_rule(app, world):
    with app.app_context():
        retention.purge(now=NOW)
        tips = db.session.scalars(select(Report).where(Report.source == Source.RESIDENT)).all()
        assert {tip.status: tip.anonymised_at is not None for tip in tips} == {
            Status.NEEDS_INFO: True, Status.NEW: True, Status.FIELD_CHECK: False}


def test_anonymised_sightings_leave_the_persons_record(app):
    """An old closed sighting is taken out of the foreigner's record; a record left with no
    sighting keeps no name, one with a recent sighting keeps it."""
    with app.app_context():
        old = person_seen("Kasu", "Nguyen Van An", passport="C1234567")
        recent = person_seen("Kasu", "Nguyen Van An", passport="C1234567")
        alone = person_seen("Pemping", "Tan Ah Kow", nationality="SG")
        assert old.record_id == recent.record_id
        for person in (old, alone):
            person.report.status = Status.CLOSED
            person.report.updated_at = LONG_AGO
        shared, lonely = old.record_id, alone.record_id
        old_id, alone_id, recent_id = old.id, alone.id, recent.id
        db.session.commit()

        retention.purge(now=NOW)
        assert db.session.get(Person, old_id).record_id is None
        assert db.session.get(Person, alone_id).record_id is None
        assert db.session.get(Person, recent_id).record_id == shared
        assert db.session.get(PersonRecord, shared).display_name == "Nguyen Van An"
        assert db.session.get(PersonRecord, lonely).display_name == ""
