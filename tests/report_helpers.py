"""What the report and tip tests send, and what they look at afterwards."""

import re
import uuid
from datetime import datetime
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import func
from sqlalchemy import select

from domain.calendar import OFFICE_ZONE
from extensions import db
from models import Event
from models import Person
from models import Photo
from models import Report
from tests import photo_samples


def page_of(response):
    """The response's HTML, to look at like a browser would."""
    return BeautifulSoup(response.data.decode(), "html.parser")


def an_hour_ago():
    """The form's 'when' field as a phone in Batam fills it."""
    return (datetime.now(OFFICE_ZONE) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def report_data(**changes):
    """A complete, valid report form with one person."""
    data = {
        "client_uuid": str(uuid.uuid4()),
        "category": "lodging",
        "urgency": "normal",
        "observed_at": an_hour_ago(),
        "address": "Homestay Bunga, Jalan Pelabuhan",
        "rt_rw": "003/005",
        "latitude": "1.1412",
        "longitude": "103.8967",
        "accuracy_m": "12",
        "description": "Two foreign men have stayed at the homestay for a week and work on the boats.",
        "persons-0-name": "John Tan",
        "persons-0-sex": "male",
        "persons-0-nationality": "Singapura",
        "persons-0-age": "35",
        "persons-0-birth_date": "",
        "persons-0-passport_no": "k 123 4567",
        "persons-0-permit_type": "Visa kunjungan",
        "reporter_phone": "0812 3456 7890",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def tip_data(village_id, **changes):
    """A complete, valid resident tip."""
    data = report_data(reporter_phone=None)
    data.update(
        village=str(village_id), reporter_name="Ibu Sari", reporter_phone="0813 1111 2222", homepage=""
    )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    """One file part for the test client."""
    return (BytesIO(data), name, content_type)


def a_photo(name="photo.jpg"):
    return upload(photo_samples.jpeg(1200, 900), name)


def post_form(client, url, data, photos=(), **kwargs):
    """Send a form as the browser does: multipart, photos under the name 'photos'."""
    body = dict(data)
    if photos:
        body["photos"] = list(photos)
    return client.post(url, data=body, content_type="multipart/form-data", **kwargs)


def counts():
    """How many reports, persons, events and photo rows the database holds."""
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Report, Person, Event, Photo)
    }


def files_in(app, folder):
    """Names of the files in UPLOAD_DIR/<folder>."""
    path = Path(app.config["UPLOAD_DIR"]) / folder
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


def kept_tokens(page):
    """The photo tokens a re-rendered form carries."""
    return re.findall(r'name="kept_photo" value="([^"]+)"', page)
