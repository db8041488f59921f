"""Photos: checked and re-encoded by the server, kept across a failed form, served only to those
who may see the report, and never left behind by a form that was not saved."""

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from domain import Role
from domain import photos
from extensions import db
from models import Photo
from models import Report
from models import User
from tests import photo_samples
from tests.factories import make_report
from tests.factories import village
from tests.report_helpers import a_photo
from tests.report_helpers import counts
from tests.report_helpers import files_in
from tests.report_helpers import kept_tokens
from tests.report_helpers import post_form
from tests.report_helpers import report_data
from tests.report_helpers import upload

# -- the checks and the re-encoding (photos.py) --


def test_a_phone_photo_is_reencoded_smaller_and_without_metadata(tmp_path):
    original = photo_samples.jpeg(4000, 3000)
    assert Image.open(BytesIO(original)).getexif().get(photo_samples.GPS_IFD)
    stored = photos.store(original, tmp_path, "image/jpeg", "IMG_0001.jpg")
    saved = Image.open(tmp_path / stored.stored_name)
    assert saved.format == "JPEG"
    assert (saved.width, saved.height) == (stored.width, stored.height) == (1600, 1200)
    assert not saved.getexif()  # no camera, no GPS
    assert "comment" not in saved.info and "exif" not in saved.info
    thumb = Image.open(tmp_path / stored.thumb_name)
    assert max(thumb.size) == photos.THUMB_SIDE
    assert stored.size_bytes == (tmp_path / stored.stored_name).stat().st_size
    assert len(stored.sha256) == 64
    # Random names: nothing of the user's file name, nothing guessable.
    assert "IMG" not in stored.stored_name and len(stored.stored_name) == 36


def test_a_turned_photo_is_stored_upright(tmp_path):
    image = photo_samples.photo_like(400, 300)
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: rotate 90 degrees to show it
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    stored = photos.store(out.getvalue(), tmp_path, "image/jpeg", "a.jpg")
    assert (stored.width, stored.height) == (300, 400)


@pytest.mark.parametrize(
    ("data", "content_type", "name"),
    [
        (photo_samples.png(), "image/png", "a.png"),
        (photo_samples.webp(), "image/webp", "a.webp"),
        (photo_samples.jpeg(800, 600), "application/octet-stream", "camera"),
    ],
)
def test_jpeg_png_and_webp_are_accepted(tmp_path, data, content_type, name):
    stored = photos.store(data, tmp_path, content_type, name)
    assert Image.open(tmp_path / stored.stored_name).format == "JPEG"


@pytest.mark.parametrize(
    ("data", "content_type", "name", "reason"),
    [
        (photo_samples.NOT_AN_IMAGE, "image/jpeg", "a.jpg", "not_image"),
        (photo_samples.truncated_jpeg(), "image/jpeg", "a.jpg", "not_image"),
        (photo_samples.decompression_bomb(), "image/png", "a.png", "too_many_pixels"),
        (photo_samples.png(), "image/jpeg", "a.jpg", "mismatch"),
        (photo_samples.jpeg(300, 200), "image/png", "a.png", "mismatch"),
        (photo_samples.webp(), "image/webp", "a.jpg", None),  # the type is right; the name is not asked
    ],
)
def test_hostile_or_broken_files_are_refused(tmp_path, data, content_type, name, reason):
    if reason is None:
        photos.store(data, tmp_path, content_type, name)
        return
    with pytest.raises(photos.PhotoError) as refused:
        photos.store(data, tmp_path, content_type, name)
    assert refused.value.reason == reason
    assert list(tmp_path.iterdir()) == []


def test_gif_is_not_a_photo_we_take(tmp_path):
    out = BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(photos.PhotoError):
        photos.store(out.getvalue(), tmp_path, "image/gif", "a.gif")


def test_reading_stops_at_the_limit():
    with pytest.raises(photos.PhotoError) as refused:
        photos.read_limited(BytesIO(b"x" * 101), 100)
    assert refused.value.reason == "too_large"
    assert photos.read_limited(BytesIO(b"x" * 100), 100) == b"x" * 100


def test_old_pending_files_are_purged(tmp_path):
    (tmp_path / "old.jpg").write_bytes(b"x")
    (tmp_path / "new.jpg").write_bytes(b"x")
    import os
    import time

    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(tmp_path / "old.jpg", (two_days_ago, two_days_ago))
    assert photos.purge_older_than(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["new.jpg"]


# -- through the form --


def test_photos_are_stored_outside_static_and_attached(app, client, official):
    response = post_form(client, "/reports/new", report_data(), [a_photo("one.jpg"), a_photo("two.jpg")])
    assert response.status_code == 303
    with app.app_context():
        report = db.session.scalar(select(Report))
        stored = [photo.stored_name for photo in report.photos]
        assert len(stored) == 2 and all(photo.event_id is None for photo in report.photos)
    upload_dir = Path(app.config["UPLOAD_DIR"])
    assert not upload_dir.is_relative_to(Path(app.static_folder))
    assert set(stored) <= set(files_in(app, "photos"))
    assert files_in(app, "pending") == []


def test_at_most_three_photos(app, client, official):
    response = post_form(client, "/reports/new", report_data(), [a_photo(f"{n}.jpg") for n in range(4)])
    assert response.status_code == 422
    assert "4.jpg" not in response.data.decode() and "3.jpg" in response.data.decode()
    assert len(kept_tokens(response.data.decode())) == 3


def test_photo_size_limit_is_configurable(app, client, official):
    app.config["PHOTO_MAX_BYTES"] = 200_000
    big = upload(photo_samples.jpeg(2000, 1500), "big.jpg")
    response = post_form(client, "/reports/new", report_data(), [big])
    assert response.status_code == 422
    error = response.data.decode()
    assert "big.jpg" in error and "0,2 MB" in error
    with app.app_context():
        assert counts()["reports"] == 0
    assert files_in(app, "pending") == [] and files_in(app, "photos") == []


def test_photos_sent_with_a_failing_form_are_kept_shown_and_not_asked_again(app, client, official):
    data = report_data(description="too short")
    first = post_form(client, "/reports/new", data, [a_photo("jetty.jpg")])
    assert first.status_code == 422
    page = first.data.decode()
    [token] = kept_tokens(page)
    assert f'src="/photos/pending/{token}"' in page
    assert client.get(f"/photos/pending/{token}").status_code == 200
    with app.app_context():
        assert counts()["reports"] == 0
    assert len(files_in(app, "pending")) == 2  # the photo and its thumbnail wait

    # Corrected and sent again, without choosing the photo again.
    second = post_form(
        client,
        "/reports/new",
        {**data, "description": "Long enough now: two foreigners at the jetty.", "kept_photo": token},
    )
    assert second.status_code == 303
    with app.app_context():
        [photo] = db.session.scalar(select(Report)).photos
        assert {photo.stored_name, photo.thumb_name} == set(files_in(app, "photos"))
    assert files_in(app, "pending") == []


def test_a_kept_photo_can_be_removed_without_javascript(app, client, official):
    page = post_form(client, "/reports/new", report_data(description="short"), [a_photo()]).data.decode()
    [token] = kept_tokens(page)
    again = post_form(
        client, "/reports/new", report_data(description="short", kept_photo=token, remove_photo=token)
    )
    assert again.status_code == 200
    assert kept_tokens(again.data.decode()) == []
    assert files_in(app, "pending") == []


def test_a_pending_photo_shows_only_to_its_sender(app, client, official):
    page = post_form(client, "/reports/new", report_data(description="short"), [a_photo()]).data.decode()
    [token] = kept_tokens(page)
    stranger = app.test_client()
    assert stranger.get(f"/photos/pending/{token}").status_code == 404
    assert stranger.get(f"/photos/pending/{token[:-2]}xx").status_code == 404
    # Nor can another browser attach it to its own report.
    from tests.conftest import AuthActions

    AuthActions(app, stranger).login("desa")
    response = post_form(stranger, "/reports/new", report_data(kept_photo=token))
    assert response.status_code == 422
    assert "kedaluwarsa" in response.data.decode()


# -- who may see the files --


def other_village_accounts(app):
    """An official and an officer of Kasu, a village the demo accounts do not cover."""
    with app.app_context():
        kasu = village("Kasu")
        for username, role in (("kasu_official", Role.OFFICIAL), ("kasu_officer", Role.OFFICER)):
            account = User(username=username, full_name=username, role=role, password_hash="x")
            if role == Role.OFFICIAL:
                account.village = kasu
            else:
                account.villages = [kasu]
            db.session.add(account)
        db.session.commit()


@pytest.fixture
def stored_photo(app, client, official):
    post_form(client, "/reports/new", report_data(), [a_photo()])
    client.post("/auth/logout")
    with app.app_context():
        photo = db.session.scalar(select(Photo))
        return photo.id


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("desa", 200), ("petugas", 200), ("admin", 200),
        ("kasu_official", 404), ("kasu_officer", 404), (None, 302),
    ],
)
def test_photos_are_served_only_to_those_who_may_see_the_report(
    app, client, auth, stored_photo, username, status
):
    other_village_accounts(app)
    if username:
        auth.sign_in_as(username)
    for url in (f"/photos/{stored_photo}", f"/photos/{stored_photo}/thumb"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert response.mimetype == "image/jpeg"
            assert response.headers["Cache-Control"].startswith("private")
            assert Image.open(BytesIO(response.data)).format == "JPEG"


def test_static_folder_holds_no_uploads(app, client, official):
    post_form(client, "/reports/new", report_data(), [a_photo()])
    with app.app_context():
        name = db.session.scalar(select(Photo.stored_name))
    assert client.get(f"/static/{name}").status_code == 404
    assert client.get(f"/static/../instance/uploads/photos/{name}").status_code == 404


def test_a_reply_photo_belongs_to_its_event(app, client, official):
    """Photos sent with an answer are attached to that answer's event (see test_village_reports)."""
    with app.app_context():
        report = make_report(status="needs_info")
        report_id, version = report.id, report.version
    answer = {"text": "The guests left today.", "version": str(version)}
    response = post_form(client, f"/reports/{report_id}/reply", answer, [a_photo()])
    assert response.status_code == 303
    with app.app_context():
        [photo] = db.session.scalar(select(Report).where(Report.id == report_id)).photos
        assert photo.event_id is not None
