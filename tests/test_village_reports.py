"""The official's list of the village's reports, the detail with its timeline, and the answer to
an officer's request for more information."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from domain import EventKind
from domain import Status
from extensions import db
from models import Event
from models import Report
from tests.factories import make_report
from tests.factories import user
from tests.report_helpers import a_photo
from tests.report_helpers import kept_tokens
from tests.report_helpers import page_of
from tests.report_helpers import post_form


def make_reports(count, **fields):
    """`count` reports of Tanjung Sari, a minute apart, the last one newest."""
    start = datetime.now(UTC) - timedelta(days=1)
    return [make_report(created_at=start + timedelta(minutes=n), **fields).id for n in range(count)]


def ask_for_information(
    report_id, question="Which room do they stay in?", internal_note="Known to us already."
):
    """What an officer's review does: an internal note, then a question to the reporter."""
    report = db.session.get(Report, report_id)
    officer = user("petugas")
    now = datetime.now(UTC)
    report.events.append(
        Event(kind=EventKind.NOTE, actor=officer, text=internal_note, visible_to_reporter=False,
              created_at=now)
    )
    report.status, report.version = Status.NEEDS_INFO, report.version + 1
    report.events.append(
        Event(kind=EventKind.INFO_REQUEST, actor=officer, from_status=Status.NEW, to_status=Status.NEEDS_INFO,
              text=question, created_at=now)
    )
    db.session.commit()


def test_list_is_newest_first_with_status_chips_and_pages(app, client, official):
    with app.app_context():
        ids = make_reports(25)
        db.session.get(Report, ids[-1]).status = Status.FIELD_CHECK
        db.session.commit()
        codes = [db.session.get(Report, i).code for i in reversed(ids)]
    first = page_of(client.get("/reports/"))
    rows = first.select("li.report-row")
    assert [row.select_one("strong").get_text() for row in rows] == codes[:20]
    chip = rows[0].select_one(".chip")
    assert "chip-field_check" in chip["class"]
    assert chip.get_text(" ", strip=True) == "Status: Dicek lapangan"
    assert "Halaman 1 dari 2" in first.select_one("nav.pager").get_text()
    second = page_of(client.get(first.select_one("a[rel=next]")["href"]))
    assert [row.select_one("strong").get_text() for row in second.select("li.report-row")] == codes[20:]


def test_list_pages_swap_in_place_with_htmx(app, client, official):
    with app.app_context():
        make_reports(3)
    response = client.get("/reports/", headers={"HX-Request": "true"})
    assert "<html" not in response.data.decode()
    assert 'id="report-list"' in response.data.decode()


def test_list_shows_only_the_village_s_own_reports(app, client, official):
    with app.app_context():
        ours = make_report().code
        theirs = make_report(village_name="Kasu", reporter=None).code
    page = client.get("/reports/").data.decode()
    assert ours in page and theirs not in page


def test_another_village_s_report_is_not_found(app, client, official):
    with app.app_context():
        theirs = make_report(village_name="Kasu", reporter=None).id
    assert client.get(f"/reports/{theirs}").status_code == 404
    assert client.post(f"/reports/{theirs}/reply", data={"text": "x"}).status_code == 404


def test_detail_shows_the_report_and_what_the_reporter_may_see(app, client, official):
    with app.app_context():
        report_id = make_report(persons=2).id
        ask_for_information(report_id)
    page = page_of(client.get(f"/reports/{report_id}"))
    text = page.select_one("main").get_text(" ")
    assert "Two foreign guests staying at the homestay" in text
    assert "Person 1" in text and "Person 2" in text and "K0000001" in text
    assert "Singapura" in text
    timeline = page.select_one("ol.timeline").get_text(" ")
    assert "Laporan dikirim" in timeline
    assert "Which room do they stay in?" in timeline
    # The officer's internal note never reaches the reporter's page.
    assert "Known to us already" not in page.decode()


def test_a_question_from_the_office_stands_out_and_is_answered_on_the_detail_page(app, client, official):
    with app.app_context():
        waiting, other = make_reports(2)
        ask_for_information(waiting)
    listing = page_of(client.get("/reports/"))
    highlighted = listing.select("li.needs-answer")
    assert len(highlighted) == 1
    assert highlighted[0].select_one("a")["href"] == f"/reports/{waiting}"
    assert "keterangan tambahan" in highlighted[0].get_text().lower()
    assert "1 laporan menunggu jawaban" in listing.select_one(".notice-needs-info").get_text()

    detail = page_of(client.get(f"/reports/{waiting}"))
    question = detail.select_one("section.question")
    assert "Which room do they stay in?" in question.get_text()
    form = question.select_one("form")
    assert form["action"] == f"/reports/{waiting}/reply"
    version = form.select_one("input[name=version]")["value"]

    answer = post_form(
        client, form["action"], {"text": "Room 3, behind the shop.", "version": version}, [a_photo()]
    )
    assert answer.status_code == 303
    with app.app_context():
        report = db.session.get(Report, waiting)
        assert report.status == Status.IN_REVIEW
        reply = report.events[-1]
        assert (reply.kind, reply.from_status, reply.to_status) == (
            EventKind.REPLY, Status.NEEDS_INFO, Status.IN_REVIEW
        )
        assert (reply.text, reply.actor.username, reply.visible_to_reporter) == (
            "Room 3, behind the shop.", "desa", True
        )
        [photo] = report.photos
        assert photo.event_id == reply.id
    after = page_of(client.get(f"/reports/{waiting}"))
    assert after.select_one("section.question") is None
    assert "Room 3, behind the shop." in after.select_one("ol.timeline").get_text()
    assert after.select_one("ol.timeline img")["src"] == f"/photos/{photo.id}/thumb"
    assert not page_of(client.get("/reports/")).select("li.needs-answer")


def test_an_answer_that_fails_validation_keeps_its_photos(app, client, official):
    with app.app_context():
        [waiting] = make_reports(1)
        ask_for_information(waiting)
        version = db.session.get(Report, waiting).version
    response = post_form(
        client, f"/reports/{waiting}/reply", {"text": "", "version": str(version)}, [a_photo()]
    )
    assert response.status_code == 422
    page = response.data.decode()
    assert "Harap isi kolom ini" in page
    [token] = kept_tokens(page)
    answer = {"text": "Here it is.", "version": str(version), "kept_photo": token}
    again = post_form(client, f"/reports/{waiting}/reply", answer)
    assert again.status_code == 303
    with app.app_context():
        assert len(db.session.get(Report, waiting).photos) == 1


def test_an_answer_to_a_stale_page_is_not_lost_but_not_saved_either(app, client, official):
    with app.app_context():
        [waiting] = make_reports(1)
        ask_for_information(waiting)
        version = db.session.get(Report, waiting).version
        ask_for_information(waiting, question="And how many are they?")
    response = post_form(client, f"/reports/{waiting}/reply", {"text": "Room 3.", "version": str(version)})
    assert response.status_code == 409
    page = response.data.decode()
    assert "Room 3." in page and "And how many are they?" in page
    with app.app_context():
        assert db.session.get(Report, waiting).status == Status.NEEDS_INFO


def test_no_answer_when_none_is_asked(app, client, official):
    with app.app_context():
        [report_id] = make_reports(1)
    assert page_of(client.get(f"/reports/{report_id}")).select_one("section.question") is None
    response = client.post(f"/reports/{report_id}/reply", data={"text": "Unasked."})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Report, report_id).status == Status.NEW
        assert len(db.session.get(Report, report_id).events) == 1


def test_the_list_is_for_officials(client, auth):
    auth.login("petugas")
    assert client.get("/reports/").status_code == 403


def test_a_resident_tip_in_the_village_shows_no_reporter(app, client, official):
    with app.app_context():
        tip = make_report(reporter=None, reporter_name="Ibu Sari", reporter_phone="0813 1111 2222")
        tip_id = tip.id
    page = client.get(f"/reports/{tip_id}").data.decode()
    assert "Ibu Sari" not in page and "0813 1111 2222" not in page
