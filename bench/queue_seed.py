"""Fill a fresh database (built by the migrations) with an office's five years of reports:
30 villages of uneven size, ~100,000 reports (or a million), their persons and events. Straight
to the driver in one transaction (executemany on SQLite, COPY on PostgreSQL), so 100,000 reports
take seconds. Used by bench/queue_bench.py and bench/speed.py."""

import random
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy import text

from domain import Category
from domain import EventKind
from domain import Outcome
from domain import Role
from domain import Source
from domain import Status
from domain import matching
from domain import refcodes
from extensions import db
from models import Event
from models import Person
from models import Report
from models import User
from models import Village
from models import keyring
from models import passport_index
from services import search
from services.demo import demo_password_hash
from services.demo import seed_demo

YEARS = 5
RECENT_DAYS = 60
CHUNK = 5000
FIRST = ["Wei", "Ming", "Ahmad", "Siti", "John", "Maria", "Hiroshi", "Anan", "Nguyen", "Li",
         "Ravi", "Priya", "Tom", "Anna", "Kim", "Jose", "Omar", "Fatima", "Chen", "Mei"]
LAST = ["Tan", "Lim", "Wong", "Abdullah", "Smith", "Garcia", "Sato", "Srisuk", "Tran", "Zhang",
        "Kumar", "Patel", "Brown", "Muller", "Park", "Santos", "Hassan", "Rahman", "Lee", "Ng"]
# Persons seen a few times whatever the size, in the demo officer's villages: a real name is
# rare, while each of the 400 names above is on about one report in 240 (the common-name search).
RARE = ["Xiaoling Okonkwo", "Thanawat Haddad", "Bayu Kowalski", "Kenji Fernandes", "Oksana Rahimi",
        "Dmitri Lindqvist", "Farhan Jaramillo", "Ingrid Wiranata", "Arjun Novak", "Lakshmi Chua",
        "Hamid Takahashi", "Noor Petrov", "Sven Mendoza", "Tariq Nakamura", "Duc Sasaki",
        "Linh Kaur", "Rizal Ibrahim", "Ayumi Suzuki", "Soo-ah Pham", "Yuki Gallagher"]
SIGHTINGS_OF_RARE = 3
NATIONALITIES = ["SG", "MY", "CN", "IN", "PH", "TH", "VN", "AU", "US", "GB", "JP", "KR"]
WORDS = ["guests", "homestay", "boat", "jetty", "fishing", "workers", "construction", "shop",
         "night", "kelong", "ferry", "passport", "market", "school", "mosque", "wedding"]
# Status of a report in the last two months; older ones are almost all closed.
RECENT_STATUS = ([Status.NEW] * 15 + [Status.IN_REVIEW] * 20 + [Status.NEEDS_INFO] * 10
                 + [Status.FIELD_CHECK] * 10 + [Status.FORWARDED] * 10 + [Status.CLOSED] * 35)
OUTCOMES = [outcome for outcome in Outcome if outcome != Outcome.DUPLICATE]
CATEGORIES = [Category.LODGING] * 40 + [Category.WORKING] * 25 + [Category.SEA_ARRIVAL] * 10 + [
    Category.SUSPICIOUS] * 10 + [Category.FAMILY] * 10 + [Category.OTHER] * 5


def _villages_and_officers(rng):
    """The demo villages and accounts plus 24 more villages, each with an officer."""
    seed_demo()
    extra = [Village(name=f"Desa {n:02d}", kecamatan="Bench", kabupaten="Kota Batam",
                     province="Kepulauan Riau") for n in range(24)]
    db.session.add_all(extra)
    db.session.flush()
    for number, village in enumerate(extra):
        officer = User(username=f"officer{number:02d}", full_name=f"Petugas {number:02d}",
                       role=Role.OFFICER, villages=[village], password_hash=demo_password_hash())
        db.session.add(officer)
    db.session.commit()
    villages = list(db.session.scalars(select(Village).order_by(Village.id)))
    officers = {v.id: [o.id for o in v.officers] for v in villages}
    # Uneven sizes: a few busy harbour villages, many quiet ones.
    weights = [rng.paretovariate(1.5) for _village in villages]
    return villages, officers, weights


def _status(rng, created, now):
    if now - created < timedelta(days=RECENT_DAYS):
        return rng.choice(RECENT_STATUS)
    return Status.FORWARDED if rng.random() < 0.005 else Status.CLOSED


def seed_reports(total=100_000, seed=4):
    """Insert `total` reports with persons and events; returns a few facts for the benchmark:
    the names and passport numbers of persons in the demo officer's villages (to search for)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    villages, officers, weights = _villages_and_officers(rng)
    reporters = {v.id: None for v in villages}
    for user in db.session.scalars(select(User).where(User.role == Role.OFFICIAL)):
        reporters[user.village_id] = user.id
    officer_villages = {v.id for v in db.session.scalar(
        select(User).where(User.username == "petugas")).villages}
    codes = set()
    report_rows, person_rows, event_rows, searchable = [], [], [], []
    in_officer_villages = []
    # Ids grow with time, as they do in a real office; a big page cache keeps the inserts quick.
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA cache_size = -262144"))
    moments = sorted(now - timedelta(seconds=rng.uniform(0, YEARS * 365 * 86400))
                     for _report in range(total))
    for report_id, created in enumerate(moments, start=1):
        village = rng.choices(villages, weights)[0]
        status = _status(rng, created, now)
        code = refcodes.new_code()
        while code in codes:
            code = refcodes.new_code()
        codes.add(code)
        official = rng.random() < 0.7
        assignee = rng.choice(officers[village.id]) if officers[village.id] and (
            status != Status.NEW or rng.random() < 0.2) else None
        updated = created + timedelta(hours=rng.uniform(1, 24 * 20)) if status != Status.NEW \
            else created
        report_rows.append({
            "id": report_id, "code": code, "client_uuid": str(uuid.UUID(int=rng.getrandbits(128))),
            "village_id": village.id, "reporter_id": reporters[village.id] if official else None,
            "source": Source.OFFICIAL if official else Source.RESIDENT,
            "reporter_name": "" if official else "Warga", "reporter_phone": "",
            "anonymous": not official and rng.random() < 0.3, "category": rng.choice(CATEGORIES),
            "urgency": "urgent" if rng.random() < 0.06 else "normal", "observed_at": created,
            "address": f"Jl. {rng.choice(WORDS).title()} {rng.randint(1, 99)}", "rt_rw": "",
            "latitude": 1.15 + rng.random() / 10, "longitude": 103.85 + rng.random() / 10,
            "accuracy_m": 20.0, "description": " ".join(rng.choices(WORDS, k=12)),
            "status": status, "outcome": rng.choice(OUTCOMES)
            if status == Status.CLOSED else None,
            "assignee_id": assignee, "version": 1 if status == Status.NEW else 3,
            "created_at": created, "updated_at": min(updated, now),
            "first_reviewed_at": None if status == Status.NEW else created + timedelta(days=1),
        })
        for _person in range(rng.choice([1, 1, 1, 2, 2, 3])):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            passport = f"{rng.choice('ABEKN')}{rng.randint(1_000_000, 9_999_999)}"
            person_rows.append(_person_row(rng, report_id, name, passport))
            if village.id in officer_villages:
                searchable.append((name, passport))
        if village.id in officer_villages:
            in_officer_villages.append(report_id)
        event_rows.append({
            "report_id": report_id, "actor_id": report_rows[-1]["reporter_id"],
            "created_at": created, "kind": EventKind.CREATED, "from_status": None,
            "to_status": Status.NEW, "text": "", "visible_to_reporter": True})
        if status != Status.NEW:
            steps = [(Status.NEW, Status.IN_REVIEW), (Status.IN_REVIEW, status)]
            for step, (before, after) in enumerate(steps):
                if before != after:
                    event_rows.append({
                        "report_id": report_id, "actor_id": assignee,
                        "created_at": created + timedelta(days=1 + step), "kind": EventKind.STATUS,
                        "from_status": before, "to_status": after, "text": "",
                        "visible_to_reporter": True})
        if len(report_rows) >= CHUNK:
            _flush(report_rows, person_rows, event_rows)
    for name in RARE:
        passport = f"R{rng.randint(1_000_000, 9_999_999)}"
        for report_id in rng.sample(in_officer_villages, SIGHTINGS_OF_RARE):
            person_rows.append(_person_row(rng, report_id, name, passport))
    _flush(report_rows, person_rows, event_rows)
    _one_record_per_person()
    search.rebuild(db.session.connection())  # the bulk inserts went around the session's index
    if db.engine.dialect.name == "postgresql":  # ids were given: the sequence must follow
        db.session.execute(text(
            "SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))"))
    db.session.commit()
    sample = rng.sample(searchable, min(20, len(searchable)))
    return {"villages": len(villages), "names": sorted({name for name, _passport in sample}),
            "passports": [passport for _name, passport in sample], "rare_names": RARE}


def _person_row(rng, report_id, name, passport):
    return {"report_id": report_id, "name": name, "name_key": matching.name_key(name),
            "sex": rng.choice(["male", "female"]), "nationality": rng.choice(NATIONALITIES),
            **_passport(passport), "permit_type": ""}


def _flush(report_rows, person_rows, event_rows):
    """Insert and forget what has been built so far (reports first: the others point to them).
    Straight to the driver (executemany on SQLite, COPY on PostgreSQL): SQLAlchemy's per-row
    parameter handling would take most of the time. On SQLite, datetimes are written the way
    SQLAlchemy writes them."""
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    for table, rows in ((Report.__table__, report_rows), (Person.__table__, person_rows),
                        (Event.__table__, event_rows)):
        if not rows:
            continue
        columns = list(rows[0])
        if postgres:
            cursor = connection.connection.driver_connection.cursor()
            # The table and column names come from our own models; the values go as data.
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(_plain(row[c]) for c in columns))
        else:
            # Bandit B608 (SQL built from strings) does not apply: the table and column names
            # come from our own models, and every value is a bound parameter.
            sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "  # nosec B608
                   f"VALUES ({', '.join('?' for _column in columns)})")
            connection.exec_driver_sql(sql, [tuple(_stored(row[c]) for c in columns) for row in rows])
        rows.clear()


def _one_record_per_person():
    """Every person seen once, each with a person record of their own (record id = person id),
    as saving a report links them; a bulk INSERT went around that."""
    db.session.execute(text(
        "INSERT INTO person_records (id, display_name, nationality, created_at) "
        "SELECT id, name, nationality, CURRENT_TIMESTAMP FROM persons WHERE record_id IS NULL"))
    db.session.execute(text("UPDATE persons SET record_id = id WHERE record_id IS NULL"))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('person_records', 'id'), "
                                "(SELECT max(id) FROM person_records))"))


def _passport(number):
    """A passport number as the app stores it: sealed, with its blind index (the raw INSERT
    below bypasses models.Sealed)."""
    return {"passport_no": keyring().seal(number, "persons.passport_no"),
            "passport_index": passport_index(number)}
def _plain(value):
    return str(value) if isinstance(value, StrEnum) else value


def _stored(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return _plain(value)

