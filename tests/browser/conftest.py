"""Browser tests: the app served from a thread on a real database, driven by the system Chromium."""

import os
import threading

import psycopg
import pytest
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from tests.conftest import seeded

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}


def e2e_database_uri(tmp_dir):
    """A database of its own, so the function-scoped tests never drop its tables mid-run."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        return f"sqlite:///{tmp_dir / 'e2e.db'}"
    url = make_url(test_url).set(database=f"{make_url(test_url).database}_e2e")
    admin = make_url(test_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{url.database}"')
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app as a browser meets it: CSRF on, demo accounts seeded."""
    tmp_dir = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": e2e_database_uri(tmp_dir),
            "UPLOAD_DIR": str(tmp_dir / "uploads"),
            "WTF_CSRF_ENABLED": True,
        }
    )
    with seeded(app):
        yield app


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the app served by Werkzeug in a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture
def offline_context(browser, live_server):
    """A phone-sized context with service workers allowed, as a user's browser has them."""
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, locale="id-ID", service_workers="allow"
    )
    yield context
    context.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "id-ID"}


def log_in(page, username, password="demo12345"):
    """Sign in through the real form."""
    page.goto("/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit], main form button")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def serious_axe_violations(page):
    """Accessibility violations axe-core rates serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]


def open_fold(page, selector):
    """Open a folded part of a page (a <details>) by tapping its summary, unless it is open."""
    fold = page.locator(selector)
    if fold.get_attribute("open") is None:
        fold.locator("> summary").click()
    fold.locator("> summary").wait_for()
