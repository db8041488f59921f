"""One report per client UUID, however often and however concurrently it is sent; and nothing
half-saved when a send fails, whatever the failure."""

import threading
import uuid

import pytest
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy import text

from extensions import db
from models import Report
from tests import photo_samples
from tests.conftest import USING_POSTGRES
from tests.conftest import AuthActions
from tests.factories import make_report
from tests.factories import village
from tests.report_helpers import a_photo
from tests.report_helpers import counts
from tests.report_helpers import files_in
from tests.report_helpers import kept_tokens
from tests.report_helpers import post_form
from tests.report_helpers import report_data
from tests.report_helpers import tip_data
from tests.report_helpers import upload

NOTHING = {"reports": 0, "persons": 0, "events": 0, "photos": 0}


def signed_in_client(app):
    client = app.test_client()
    AuthActions(app, client).login("desa")
    return client


# -- idempotency --


def test_the_same_form_sent_twice_makes_one_report(app, client, official):
    data = report_data()
    first = post_form(client, "/reports/new", data, [a_photo()])
    second = post_form(client, "/reports/new", data, [a_photo()])
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert counts() == {"reports": 1, "persons": 1, "events": 1, "photos": 1}
    assert len(files_in(app, "photos")) == 2  # one photo and its thumbnail: the resend stored nothing
    assert files_in(app, "pending") == []


def test_the_same_form_sent_twice_at_once_makes_one_report(app):
    """Two phones' worth of clients post the same UUID at the same moment (real threads, real DB)."""
    data = report_data()
    clients = [signed_in_client(app) for _ in range(2)]
    start = threading.Barrier(2)
    answers = [None, None]

    def send(number):
        start.wait()
        answers[number] = post_form(clients[number], "/reports/new", data, [a_photo()])

    threads = [threading.Thread(target=send, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    with app.app_context():
        assert counts() == {"reports": 1, "persons": 1, "events": 1, "photos": 1}
        report = db.session.scalar(select(Report))
        assert answers[0].headers["Location"] == f"/reports/{report.id}/sent"
    assert len(files_in(app, "photos")) == 2
    assert files_in(app, "pending") == []


def test_a_twin_landing_between_the_check_and_the_insert_is_answered_with_it(app, client, official):
    """The narrowest race: another request inserts the same UUID after our look-up found nothing,
    just before our INSERT. Ours must roll back, delete its photo files and answer with theirs."""
    data = report_data()
    twin_id = []

    def twin_commits_first(_mapper, connection, target):
        if twin_id:
            return
        with db.engine.connect() as other:  # a second connection: another request's transaction
            result = other.execute(
                Report.__table__.insert().values(
                    code="TWIN-2345", client_uuid=target.client_uuid, village_id=target.village_id,
                    source="official", category="lodging", observed_at=target.observed_at,
                    description="the twin",
                )
            )
            other.commit()
            twin_id.append(result.inserted_primary_key[0])

    with app.app_context():
        event.listen(Report, "before_insert", twin_commits_first)
        try:
            response = post_form(client, "/reports/new", data, [a_photo()])
        finally:
            event.remove(Report, "before_insert", twin_commits_first)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reports/{twin_id[0]}/sent"
    with app.app_context():
        assert counts()["reports"] == 1 and counts()["photos"] == 0
    assert files_in(app, "photos") == [] and files_in(app, "pending") == []


def test_a_malformed_client_uuid_is_replaced_not_refused(app, client, official):
    response = post_form(client, "/reports/new", report_data(client_uuid="not-a-uuid"))
    assert response.status_code == 303
    with app.app_context():
        uuid.UUID(db.session.scalar(select(Report.client_uuid)))


# -- nothing half-saved --


def test_a_validation_error_saves_nothing(app, client, official):
    response = post_form(client, "/reports/new", report_data(address=""))
    assert response.status_code == 422
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "photos") == [] and files_in(app, "pending") == []


@pytest.fixture
def small_requests(app_config):
    app_config["MAX_CONTENT_LENGTH"] = 300_000


def test_an_oversized_upload_is_a_translated_413_and_saves_nothing(small_requests, app, client, official):
    big = upload(photo_samples.jpeg(2000, 1500), "big.jpg")
    response = post_form(client, "/reports/new", report_data(), [big])
    assert response.status_code == 413
    assert "terlalu besar" in response.data.decode()
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "photos") == [] and files_in(app, "pending") == []


@pytest.mark.parametrize(
    "bad",
    [
        upload(photo_samples.NOT_AN_IMAGE, "scan.jpg"),
        upload(photo_samples.truncated_jpeg(), "half.jpg"),
        upload(photo_samples.decompression_bomb(), "bomb.png", "image/png"),
        upload(photo_samples.png(), "renamed.jpg"),
    ],
    ids=["not-an-image", "truncated", "bomb", "mismatched-type"],
)
def test_a_corrupt_image_saves_nothing_and_says_why(app, client, official, bad):
    response = post_form(client, "/reports/new", report_data(), [bad])
    assert response.status_code == 422
    page = response.data.decode()
    assert bad[1] in page
    assert 'id="photos-error"' in page and 'role="alert"' in page
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "photos") == [] and files_in(app, "pending") == []


def break_photo_inserts():
    """A real database failure in the middle of saving: the report, its persons and its event are
    already inserted in the transaction when the photo row is refused."""
    if USING_POSTGRES:
        db.session.execute(text(
            "CREATE OR REPLACE FUNCTION refuse_photo() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'disk full (test)'; END; $$ LANGUAGE plpgsql"
        ))
        db.session.execute(text(
            "CREATE TRIGGER refuse_photo BEFORE INSERT ON photos FOR EACH ROW EXECUTE FUNCTION refuse_photo()"
        ))
    else:
        db.session.execute(text(
            "CREATE TRIGGER refuse_photo BEFORE INSERT ON photos "
            "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"
        ))
    db.session.commit()


def mend_photo_inserts():
    db.session.execute(text("DROP TRIGGER IF EXISTS refuse_photo" + (" ON photos" if USING_POSTGRES else "")))
    if USING_POSTGRES:
        db.session.execute(text("DROP FUNCTION IF EXISTS refuse_photo()"))
    db.session.commit()


@pytest.fixture
def refuse_photos(app):
    """`refuse_photos()` breaks photo inserts; they are mended after the test whatever happens:
    on PostgreSQL the next test reuses the schema."""
    yield break_photo_inserts
    with app.app_context():
        mend_photo_inserts()


@pytest.mark.parametrize("form", ["report", "tip"])
def test_a_database_failure_midway_saves_nothing_and_keeps_the_form(app, client, official, form,
                                                                    refuse_photos):
    with app.app_context():
        refuse_photos()
        kasu = village("Kasu").id
    url, data = ("/reports/new", report_data()) if form == "report" else ("/tips/new", tip_data(kasu))
    response = post_form(client, url, data, [a_photo()])
    assert response.status_code == 500
    page = response.data.decode()
    assert "Tidak ada yang tersimpan" in page
    assert "Homestay Bunga" in page  # what was typed is still there
    with app.app_context():
        assert counts() == NOTHING
    assert files_in(app, "photos") == []
    [token] = kept_tokens(page)  # the photo waits, offered again, not lost

    with app.app_context():
        mend_photo_inserts()
    again = post_form(client, url, {**data, "kept_photo": token})
    assert again.status_code == 303
    with app.app_context():
        assert counts() == {"reports": 1, "persons": 1, "events": 1, "photos": 1}
    assert len(files_in(app, "photos")) == 2 and files_in(app, "pending") == []


def test_a_failed_answer_saves_nothing(app, client, official, refuse_photos):
    with app.app_context():
        report = make_report(status="needs_info")
        report_id, version = report.id, report.version
        before = counts()
        refuse_photos()
    response = post_form(
        client, f"/reports/{report_id}/reply", {"text": "They left.", "version": str(version)}, [a_photo()]
    )
    assert response.status_code == 500
    assert "Tidak ada yang tersimpan" in response.data.decode()
    with app.app_context():
        assert counts() == before
        assert db.session.get(Report, report_id).status == "needs_info"
    assert files_in(app, "photos") == []
