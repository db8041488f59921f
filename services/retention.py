"""The retention rule (UU 27/2022: personal data kept no longer than its purpose needs): reports
the office is done with are anonymised once RETENTION_DAYS have passed.

Which reports: a closed report, counted from its closing (a closed report changes only when it is
reopened, so its `updated_at` is the closing); and a resident's tip that was never confirmed,
that is one still new (never taken up) or still waiting for the resident's answer, counted from
its last change. Tips under review, in a field check or forwarded are being worked on and wait
for their closing like any report.

What goes: every name, passport number, birth date, age, phone, address, GPS position and free
text (the description, the office's questions and notes, the answers, the closing message),
every photo, file and row, and each person's link to a person record (a record left with no
sighting loses its name). What stays: the code, category, urgency, village, source, dates,
status, outcome, each person's sex, nationality and permit type, and which event happened when and
by whom: the TIMPORA recap of a purged period adds up to the same figures. The report is marked
`anonymised_at`, so it is done once and its pages say why the fields are empty.

The work is done by ORM updates, one transaction per batch (flush hooks of other modules see each
change; a hundred thousand old reports never make one giant transaction). Photo files are removed
after their batch commits: a crash in between leaves files without rows, which the daily
`flask reconcile-photos` removes."""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import AuditKind
from domain import EventKind
from domain import Source
from domain import Status
from domain import photos as photo_files
from extensions import db
from models import Event
from models import Person
from models import PersonRecord
from models import Photo
from models import Report
from services import audit
from services.reports import photo_dir

BATCH_SIZE = 200
# A tip the office never took up, or whose resident never answered its question.
UNCONFIRMED_TIP_STATUSES = (Status.NEW, Status.NEEDS_INFO)


@dataclass
class Purge:
    """What one purge did, or would do with `dry_run`."""

    older_than_days: int
    dry_run: bool = False
    reports: int = 0
    persons: int = 0
    photos: int = 0
    events: int = 0
    files: list = field(default_factory=list)  # photo file names removed from the store

    def counts(self):
        """The figures the audit log keeps (never what was removed)."""
        return {"older_than_days": self.older_than_days, "reports": self.reports,
                "persons": self.persons, "photos": self.photos, "events": self.events}


def retention_days():
    return current_app.config["RETENTION_DAYS"]


def due(cutoff):
    """SQL condition for the reports the rule anonymises when `cutoff` is the oldest date kept."""
    unconfirmed_tip = and_(Report.source == Source.RESIDENT, Report.status.in_(UNCONFIRMED_TIP_STATUSES))
    return and_(Report.anonymised_at.is_(None), Report.updated_at < cutoff,
                or_(Report.status == Status.CLOSED, unconfirmed_tip))


def anonymise(reports, now):
    """Remove the personal data of these reports (loaded with persons, photos and events) in the
    session, and return a Purge with what was removed. The caller commits, then removes the files
    of `files` from the store."""
    done = Purge(older_than_days=0)
    records = set()
    for report in reports:
        report.reporter_name = ""
        report.reporter_phone = ""
        report.address = ""
        report.rt_rw = ""
        report.latitude = report.longitude = report.accuracy_m = None
        report.description = ""
        report.anonymised_at = now
        # A new version: an office form still open on the old one is refused, not written back.
        report.version += 1
        for person in report.persons:
            person.name = ""
            person.passport_no = ""
            person.birth_date = None
            person.age = None
            # An old sighting stays out of the foreigner's record: where they were seen is theirs.
            if person.record_id is not None:
                records.add(person.record_id)
            person.record_id = None
            person.suggestions.clear()
            done.persons += 1
        for event in report.events:
            # An assignment's text is the officer's name: the office's, not the reported person's.
            if event.text and event.kind != EventKind.ASSIGNED:
                event.text = ""
                done.events += 1
        for photo in list(report.photos):
            done.files.extend(photo_files.file_names(photo))
            report.photos.remove(photo)  # delete-orphan: the row goes with the flush
            done.photos += 1
        done.reports += 1
    if records:
        _forget_emptied_records(records)
    return done


def _forget_emptied_records(record_ids):
    """A record whose every sighting was anonymised keeps no name (it is kept, blank, for the
    merges that name it)."""
    for record in db.session.scalars(select(PersonRecord).where(
            PersonRecord.id.in_(record_ids), ~PersonRecord.persons.any())):
        record.display_name = ""


def _count(cutoff):
    """What a purge with this cutoff would remove, without changing anything."""
    scope = select(Report.id).where(due(cutoff))
    return {
        "reports": db.session.scalar(select(func.count()).select_from(scope.subquery())),
        "persons": db.session.scalar(select(func.count(Person.id)).where(Person.report_id.in_(scope))),
        "photos": db.session.scalar(select(func.count(Photo.id)).where(Photo.report_id.in_(scope))),
        "events": db.session.scalar(select(func.count(Event.id)).where(
            Event.report_id.in_(scope), Event.text != "", Event.kind != EventKind.ASSIGNED)),
    }


def purge(older_than_days=None, now=None, dry_run=False, batch_size=BATCH_SIZE):
    """Anonymise every report due under the rule, batch by batch, and write one audit entry with
    the counts. With `dry_run` nothing changes and nothing is written: the counts say what would."""
    days = retention_days() if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    result = Purge(older_than_days=days, dry_run=dry_run)
    if dry_run:
        for name, value in _count(cutoff).items():
            setattr(result, name, value)
        return result
    while True:
        ids = db.session.scalars(select(Report.id).where(due(cutoff)).order_by(Report.id)
                                 .limit(batch_size)).all()
        if not ids:
            break
        batch = db.session.scalars(
            select(Report).where(Report.id.in_(ids))
            .options(selectinload(Report.persons), selectinload(Report.photos),
                     selectinload(Report.events))
        ).all()
        try:
            done = anonymise(batch, now)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        photo_files.remove(photo_dir(), done.files)
        for name in ("reports", "persons", "photos", "events"):
            setattr(result, name, getattr(result, name) + getattr(done, name))
        result.files.extend(done.files)
        db.session.expunge_all()  # the next batch does not drag this one's objects along
    audit.record(AuditKind.RETENTION_PURGE, changes=result.counts())
    db.session.commit()
    return result
