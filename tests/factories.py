"""Build domain objects for tests without going through the forms."""

import uuid
from datetime import UTC
from datetime import datetime

from sqlalchemy import select

from domain import Category
from domain import EventKind
from domain import Source
from domain import Status
from domain import Urgency
from domain import refcodes
from extensions import db
from models import Event
from models import Person
from models import Photo
from models import Report
from models import User
from models import Village
from services.person_records import link_new_persons


def village(name):
    return db.session.scalar(select(Village).where(Village.name == name))


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def make_report(village_name="Tanjung Sari", reporter="desa", persons=1, commit=True, **fields):
    """A report with its `created` event; call inside an app context."""
    reporter_user = user(reporter) if reporter else None
    now = datetime.now(UTC)
    values = {
        "code": refcodes.new_code(),
        "client_uuid": str(uuid.uuid4()),
        "village": village(village_name),
        "reporter": reporter_user,
        "source": Source.OFFICIAL if reporter_user else Source.RESIDENT,
        "category": Category.LODGING,
        "urgency": Urgency.NORMAL,
        "observed_at": now,
        "address": "Jl. Pelabuhan",
        "description": "Two foreign guests staying at the homestay near the jetty.",
        "status": Status.NEW,
        "created_at": now,
        "updated_at": now,
    }
    values.update(fields)
    report = Report(**values)
    for index in range(persons):
        report.persons.append(
            Person(name=f"Person {index + 1}", sex="male", nationality="SG", passport_no=f"K{index:07d}")
        )
    report.events.append(
        Event(kind=EventKind.CREATED, actor=reporter_user, to_status=report.status, created_at=now)
    )
    db.session.add(report)
    if commit:
        db.session.commit()
    return report


def person_seen(village, name, nationality="VN", passport="", birth=None, age=None, photos=0):
    """A report in `village` about one person, saved and linked as a new report is."""
    report = make_report(village, persons=0, commit=False)
    report.persons.append(Person(name=name, nationality=nationality, passport_no=passport,
                                 birth_date=datetime.combine(birth, datetime.min.time()) if birth else None,
                                 age=age))
    for number in range(photos):
        report.photos.append(Photo(stored_name=f"{report.code}-{number}.jpg",
                                   thumb_name=f"{report.code}-{number}-t.jpg",
                                   sha256="0" * 64, size_bytes=1, width=1, height=1))
    db.session.flush()
    link_new_persons(report)
    db.session.commit()
    return report.persons[0]
