"""Demo reports for `flask seed-demo`: a few per village, at different steps of the workflow, each
with the events a real review would have written. Only for trying the app."""

import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from domain import Category
from domain import EventKind
from domain import Outcome
from domain import Source
from domain import Status
from domain import Urgency
from domain import refcodes
from domain import workflow
from extensions import db
from models import Event
from models import Person
from models import Report
from models import User
from models import Village
from services.person_records import link_new_persons

# (village, days ago, category, urgency, place, what was seen, persons, the office's steps)
# A step is (status, text for the reporter); NEEDS_INFO steps are questions.
DEMO_REPORTS = [
    ("Tanjung Sari", 0, Category.LODGING, Urgency.NORMAL, "Homestay dekat dermaga, RT 002/004",
     "Dua tamu asing menginap sejak kemarin; pemilik belum melapor lewat APOA.",
     [("Lee Wei Jie", "male", "SG"), ("Tan Mei Ling", "female", "SG")], []),
    ("Tanjung Sari", 2, Category.WORKING, Urgency.NORMAL, "Bengkel perahu di Jalan Pelabuhan",
     "Seorang pria asing terlihat memperbaiki mesin perahu setiap hari selama seminggu.",
     [("", "male", "MY")],
     [(Status.NEEDS_INFO, "Sejak kapan dia bekerja di bengkel itu, dan apakah dia dibayar?")]),
    ("Tanjung Sari", 5, Category.SEA_ARRIVAL, Urgency.URGENT, "Pantai timur, bukan pelabuhan resmi",
     "Perahu kecil menurunkan empat orang asing pada malam hari, lalu langsung pergi.",
     [("", "unknown", ""), ("", "unknown", "")],
     [(Status.IN_REVIEW, ""), (Status.FIELD_CHECK, "Petugas akan mengecek ke lokasi minggu ini.")]),
    ("Tanjung Sari", 12, Category.FAMILY, Urgency.NORMAL, "Rumah keluarga Pak Rahman, RT 001/003",
     "Menantu warga negara asing tinggal bersama keluarga; izin tinggalnya mungkin sudah habis.",
     [("Nguyen Thi Hoa", "female", "VN")],
     [(Status.IN_REVIEW, ""),
      (Status.CLOSED, "Izin tinggal keluarganya masih berlaku. Terima kasih atas laporannya.")]),
    ("Sekanak Raya", 1, Category.SUSPICIOUS, Urgency.URGENT, "Gudang jaring di belakang pasar",
     "Beberapa orang asing terlihat tidur di gudang dan tidak pernah keluar siang hari.",
     [("", "male", ""), ("", "male", "")], [(Status.IN_REVIEW, "")]),
    ("Pemping", 3, Category.LODGING, Urgency.NORMAL, "Penginapan di ujung kampung",
     "Tamu asing menginap tiga malam; pemilik penginapan bertanya cara melapor.",
     [("John Smith", "male", "AU")], []),
]


def seed_demo_reports():
    """Add the demo reports; the caller has just loaded the demo villages and accounts."""
    villages = {village.name: village for village in db.session.scalars(select(Village))}
    official = db.session.scalar(select(User).where(User.username == "desa"))
    officer = db.session.scalar(select(User).where(User.username == "petugas"))
    now = datetime.now(UTC)
    for village, days_ago, category, urgency, place, seen, persons, steps in DEMO_REPORTS:
        created = now - timedelta(days=days_ago, hours=3)
        reporter = official if village == official.village.name else None
        report = Report(
            code=refcodes.new_code(), client_uuid=str(uuid.uuid4()), village=villages[village],
            reporter=reporter, source=Source.OFFICIAL if reporter else Source.RESIDENT,
            reporter_name=reporter.full_name if reporter else "", category=category, urgency=urgency,
            observed_at=created - timedelta(hours=2), address=place, description=seen,
            status=Status.NEW, version=1, created_at=created, updated_at=created,
        )
        report.persons = [Person(name=name, sex=sex, nationality=code) for name, sex, code in persons]
        report.events.append(
            Event(kind=EventKind.CREATED, actor=reporter, to_status=Status.NEW, created_at=created)
        )
        for hours, (to, text) in enumerate(steps, start=4):
            when = created + timedelta(hours=hours)
            outcome = Outcome.NO_VIOLATION if to == Status.CLOSED else None
            fields = workflow.move(report, to, workflow.OFFICE, when, outcome=outcome)
            report.events.append(Event(actor=officer, created_at=when, text=text, **fields))
        db.session.add(report)
        db.session.flush()
        link_new_persons(report)
    db.session.commit()
