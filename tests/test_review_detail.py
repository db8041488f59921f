"""The report detail page: everything about the report, the timeline, related reports, and
404 for every report route and action of another village."""

from datetime import timedelta

from flask import url_for

from domain import EventKind
from domain import Role
from domain import Status
from extensions import db
from models import Event
from models import Person
from models import Photo
from models import Report
from services import related
from tests import factories
from tests.review_support import HX
from tests.review_support import make_officer
from tests.review_support import reload
from tests.review_support import report_in
from tests.test_permissions import SAMPLE_ARGS
from web.access import rule_for


def test_detail_shows_the_whole_report(app, client, officer):
    with app.app_context():
        report = factories.make_report(latitude=1.1602, longitude=103.9001, accuracy_m=12.4,
                                       rt_rw="002/004", address="Jl. Pelabuhan 7")
        report.persons.append(Person(name="Tan Wei Ming", sex="male", nationality="MY",
                                     passport_no="A7654321", age=34, permit_type="ITAS"))
        db.session.commit()
        report_id, code = report.id, report.code
    page = client.get(f"/review/{report_id}").data.decode()
    for shown in (code, "Two foreign guests staying", "Jl. Pelabuhan 7", "002/004",
                  "Tan Wei Ming", "A7654321", "Malaysia", "ITAS", "34 tahun",
                  "Perangkat Kelurahan Tanjung Sari"):
        assert shown in page, shown
    assert "https://www.openstreetmap.org/?mlat=1.160200&amp;mlon=103.900100" in page
    assert 'href="geo:1.160200,103.900100"' in page


def test_detail_shows_the_photos_through_the_guarded_route(app, client, officer):
    with app.app_context():
        report = factories.make_report()
        report.photos.append(Photo(stored_name="a.jpg", thumb_name="a-t.jpg", sha256="0" * 64,
                                   size_bytes=1, width=1, height=1))
        db.session.commit()
        report_id, photo_id = report.id, report.photos[0].id
    page = client.get(f"/review/{report_id}").data.decode()
    assert f'<a href="/photos/{photo_id}"><img src="/photos/{photo_id}/thumb"' in page


def test_anonymous_reporter_stays_anonymous(app, client, officer):
    with app.app_context():
        report_id = factories.make_report(reporter=None, anonymous=True,
                                          reporter_name="Ibu Sari", reporter_phone="0812555").id
        named_id = factories.make_report(reporter=None, reporter_name="Pak Budi",
                                         reporter_phone="0813777").id
    page = client.get(f"/review/{report_id}").data.decode()
    assert "Ibu Sari" not in page and "0812555" not in page and "Anonim" in page
    named = client.get(f"/review/{named_id}").data.decode()
    assert "Pak Budi" in named and 'href="tel:0813777"' in named


def test_timeline_shows_every_event_and_marks_internal_ones(app, client, officer):
    with app.app_context():
        report = factories.make_report(status=Status.NEEDS_INFO)
        officer_user = factories.user("petugas")
        report.events += [
            Event(kind=EventKind.NOTE, actor=officer_user, text="Call the landlord first.",
                  visible_to_reporter=False),
            Event(kind=EventKind.INFO_REQUEST, actor=officer_user, from_status="in_review",
                  to_status="needs_info", text="How many guests?"),
            Event(kind=EventKind.REPLY, actor=factories.user("desa"), from_status="needs_info",
                  to_status="in_review", text="Three guests."),
        ]
        db.session.commit()
        report_id = report.id
    page = client.get(f"/review/{report_id}").data.decode()
    timeline = page.split('<ol class="timeline">')[1]
    assert timeline.index("Laporan dikirim") < timeline.index("Call the landlord first.") \
        < timeline.index("How many guests?") < timeline.index("Three guests.")
    assert timeline.count('class="event event-note internal"') == 1
    assert "Jawaban dari pelapor" in timeline


def test_related_reports_across_the_users_villages(app, client, auth):
    with app.app_context():
        report = factories.make_report(persons=0)
        report.persons.append(Person(name="Tan Wei Ming", nationality="MY", passport_no="A7654321"))
        db.session.commit()
        week_later = report.created_at + timedelta(days=5)

        def other(village, name, nationality="SG", passport="", **fields):
            made = factories.make_report(village, persons=0, **fields)
            made.persons.append(Person(name=name, nationality=nationality, passport_no=passport))
            db.session.commit()
            return made.code

        codes = {
            "passport": other("Pemping", "Someone Else", passport="A7654321"),
            "name": other("Sekanak Raya", "MING, Tan Wei", nationality="MY"),
            "nearby": other("Tanjung Sari", "Tan Wei Min", created_at=week_later),
            "far_in_time": other("Tanjung Sari", "Tan Wei Min",
                                 created_at=report.created_at + timedelta(days=9)),
            "unlike": other("Tanjung Sari", "John Smith", created_at=week_later),
            "other_village": other("Kasu", "Tan Wei Ming", nationality="MY"),
        }
        report_id = report.id
    auth.sign_in_as("petugas")
    section = client.get(f"/review/{report_id}").data.decode().split('id="related-title"')[1]
    section = section.split("</section>")[0]
    for name in ("passport", "name", "nearby"):
        assert codes[name] in section, name
    for name in ("far_in_time", "unlike", "other_village"):
        assert codes[name] not in section, name
    assert "nomor paspor sama" in section and "nama dan kewarganegaraan sama" in section
    auth.sign_in_as("admin")
    assert codes["other_village"] in client.get(f"/review/{report_id}").data.decode()


def test_related_reports_of_a_common_name_are_the_newest_ones(app, client, auth):
    """More reports of the same name than the page shows: the newest, in another village the
    officer follows too, beside the passport match, whatever its age. Each rule reads its
    matches newest first and stops (services/related.py)."""
    with app.app_context():
        older = []
        for number in range(related.MAX_MATCHES + 5):
            made = factories.make_report("Sekanak Raya", persons=0, commit=False)
            made.persons.append(Person(name="Nguyen Van An", nationality="VN",
                                       passport_no="B1234567" if number == 0 else ""))
            older.append(made)
        db.session.commit()
        codes = [made.code for made in older]
        report = factories.make_report(persons=0)
        report.persons.append(Person(name="An Văn Nguyễn", nationality="VN", passport_no="B1234567"))
        db.session.commit()
        report_id = report.id
    auth.sign_in_as("petugas")
    section = client.get(f"/review/{report_id}").data.decode().split('id="related-title"')[1]
    section = section.split("</section>")[0]
    shown = [code for code in codes if code in section]
    # The passport match first, then the newest of the others by name, as many as fit.
    assert shown == [codes[0], *codes[-(related.MAX_MATCHES - 1):]]


def test_htmx_detail_request_gets_the_workspace(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW)
    fragment = client.get(f"/review/{report_id}", headers=HX).data.decode()
    assert fragment.startswith('<section id="report-workspace"') and "<html" not in fragment
    assert "<html" in client.get(f"/review/{report_id}").data.decode()


def test_every_report_route_and_action_is_404_for_another_village(app, client, officer):
    with app.app_context():
        report_id = report_in(Status.NEW, village_name="Kasu")
        photo = Photo(report_id=report_id, stored_name="k.jpg", thumb_name="k-t.jpg",
                      sha256="0" * 64, size_bytes=1, width=1, height=1)
        db.session.add(photo)
        db.session.commit()
        ids = {"report_id": report_id, "photo_id": photo.id}
    form = {"version": "1", "seen": "0", "to": "in_review", "assignee": "", "note-text": "x"}
    checked = []
    for rule in app.url_map.iter_rules():
        if not set(ids) & set(rule.arguments):
            continue
        with app.test_request_context():
            allowed = rule_for(rule.endpoint)
            if allowed != "anyone" and Role.OFFICER not in allowed:
                continue
            values = {name: SAMPLE_ARGS.get(name, 1) for name in rule.arguments}
            url = url_for(rule.endpoint, **{**values, **{k: v for k, v in ids.items()
                                                         if k in rule.arguments}})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, HX):
                response = client.open(url, method=method, data=form, headers=headers)
                assert response.status_code == 404, (method, url, headers)
                checked.append(rule.endpoint)
    assert {"review.detail", "review.assign", "review.move", "review.note",
            "photos.photo", "photos.thumb"} <= set(checked)
    report, events = reload(app, report_id)
    assert report.status == Status.NEW and report.version == 1 and len(events) == 1


def test_a_missing_report_is_404(client, officer):
    assert client.get("/review/99999").status_code == 404
    assert client.post("/review/99999/note", data={"version": "1"}).status_code == 404


def test_officer_of_the_other_village_sees_it(app, client, auth):
    with app.app_context():
        report_id = report_in(Status.NEW, village_name="Kasu")
        make_officer("kasu", ["Kasu"])
    auth.sign_in_as("kasu")
    assert client.get(f"/review/{report_id}").status_code == 200
    with app.app_context():
        assert db.session.get(Report, report_id).village.name == "Kasu"
