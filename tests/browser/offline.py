"""Helpers for the offline browser tests: profiles that persist, and waiting for the worker."""

import io
import os
import socket
import threading
import time
import uuid

from PIL import Image
from sqlalchemy import select
from werkzeug.wsgi import get_input_stream

from extensions import db
from models import Report
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.conftest import PHONE


def persistent_context(playwright, profile_dir, base_url):
    """A browser with a profile on disk: installable (not incognito), and reopenable."""
    return playwright.chromium.launch_persistent_context(
        str(profile_dir),
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        args=CHROMIUM_ARGS,
        service_workers="allow",
        base_url=base_url,
        viewport=PHONE,
        locale="id-ID",
    )


WORKER_ACTIVE = """() => Promise.race([
    navigator.serviceWorker.ready.then(() => true),
    new Promise((done) => setTimeout(() => done(false), 20000)),
])"""


def wait_for_worker(page):
    """Until the service worker is active and controls the page (its precache is then done).
    A page whose loading began while the worker was still activating is not claimed by it (its
    clients.claim() has run already); a phone's next page is, so such a page is loaded again."""
    assert page.evaluate(WORKER_ACTIVE), "the service worker never became active"
    if page.evaluate("() => navigator.serviceWorker.controller === null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)


def outbox_items(page):
    """What waits in the on-device outbox, as the page's own code sees it (photo sizes only)."""
    return page.evaluate(
        """async () => (await window.DesaOutbox.all()).map((item) => ({
            ...item, files: item.files.map((file) => file.blob.size), errorHtml: undefined,
        }))"""
    )


class FlakyNetwork:
    """WSGI middleware for the live server that misbehaves on purpose, once, for one POST path.

    `answer_503` refuses the request before the app sees it (a proxy or an overloaded server),
    `stall_then_503` does so after three seconds;
    `drop_after_save` lets the app save and answer, then cuts the connection before a byte of
    the answer leaves, as a lost mobile signal would."""

    def __init__(self, app):
        self.app = app
        self.inner = app.wsgi_app
        self.plan = {}
        self.answers = []  # (path, 503 | "dropped" | "app") for every POST
        self.down = set()  # paths no POST reaches until removed
        self.stall_started = threading.Event()
        self.stall_ended = threading.Event()

    def __enter__(self):
        self.app.wsgi_app = self
        return self

    def __exit__(self, *exc):
        self.app.wsgi_app = self.inner

    def fail_next(self, path, how):
        self.plan[path] = how

    def posts_to(self, path):
        return [answer for posted, answer in self.answers if posted == path]

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if environ["REQUEST_METHOD"] != "POST":
            return self.inner(environ, start_response)
        # Playwright's offline switch holds back the page, not the service worker's Background
        # Sync: while a path is "down", the network refuses the worker too.
        how = "answer_503" if path in self.down else self.plan.pop(path, None)
        outcomes = {"answer_503": 503, "stall_then_503": 503, "drop_after_save": "dropped"}
        self.answers.append((path, outcomes.get(how, "app")))
        if how == "stall_then_503":  # a very slow link that ends in an error
            get_input_stream(environ).read()
            self.stall_started.set()
            time.sleep(3)
            self.stall_ended.set()
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"busy"]
        if how == "answer_503":
            get_input_stream(environ).read()  # the whole upload arrives; the answer is "busy"
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"busy"]
        if how == "drop_after_save":
            answer = self.inner(environ, start_response)  # saved and committed by now
            if hasattr(answer, "close"):
                answer.close()
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            return []
        return self.inner(environ, start_response)


def jpeg(width=1200, height=900):
    """A real photo-sized JPEG, made on the spot."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 160)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def fill_report(page, description, photo=True):
    """Fill the official's report form with valid facts (and a photo, made smaller by the page)."""
    page.check("input[name=category][value=lodging]")
    page.fill("#address", "Homestay di belakang dermaga")
    page.fill("#description", description)
    page.fill("#persons-0-name", "Orang Uji")
    if photo:
        if page.locator("#photos-fold").get_attribute("open") is None:
            page.click("#photos-fold > summary")
        page.set_input_files(
            "#photos", files=[{"name": "perahu.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
        )
        page.locator("[data-photo-status]").filter(has_text="KB").wait_for()


def send_report(page):
    page.locator("form[data-report-form] button.primary").click()


def badge(page):
    return page.locator("#outbox-badge")


def unique_description(tag):
    """A description no other test uses, to find the report in the database."""
    return f"Uji {tag} {uuid.uuid4()}: dua orang asing menginap di homestay dekat dermaga."


def wait_for_reports(app, description, expected, seconds=20):
    """Poll the database until the reports saved with `description` are as expected."""
    deadline = time.monotonic() + seconds
    while reports_with(app, description) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return reports_with(app, description)


def reports_with(app, description):
    """Photo counts of the reports saved with this description (one entry per report)."""
    with app.app_context():
        reports = db.session.scalars(select(Report).where(Report.description == description)).all()
        counts = [len(report.photos) for report in reports]
        db.session.remove()
        return counts
