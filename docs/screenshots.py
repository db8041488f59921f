"""The picture tour of the README: each role's main screens at 360 px, taken from the real app.

Run: `make screenshots`. It serves the app on a throwaway SQLite database with the demo data (the
same as `make run`), drives the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium) as a
360 x 740 phone in Indonesian, and writes small PNGs (a 64-colour palette) into docs/screens/."""

import io
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from services.demo import seed_demo  # noqa: E402
from services.demo_reports import seed_demo_reports  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OUT = Path(__file__).resolve().parent / "screens"
PHONE = {"width": 360, "height": 740}
DEMO_PASSWORD = "demo12345"


def serve_app():
    """The app with the demo data on a throwaway database, served from a thread."""
    tmp = Path(tempfile.mkdtemp(prefix="screens-"))
    app = create_app({
        "ENV_NAME": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'screens.db'}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
        seed_demo()
        seed_demo_reports()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def save(page, name, full_page=False):
    """A screenshot as a small palette PNG."""
    image = Image.open(io.BytesIO(page.screenshot(full_page=full_page, animations="disabled")))
    small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT,
                                          dither=Image.Dither.NONE)
    path = OUT / f"{name}.png"
    small.save(path, optimize=True)
    size = path.stat().st_size // 1024
    print(f"{path.relative_to(OUT.parent.parent)}: {image.width} x {image.height}, {size} KB")


def log_in(page, username):
    page.goto("/auth/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def tour(browser, base_url):
    def phone():
        context = browser.new_context(base_url=base_url, viewport=PHONE, locale="id-ID",
                                      service_workers="block")
        return context, context.new_page()

    context, page = phone()  # a resident, no account
    page.goto("/guidance/")
    save(page, "1-resident-guidance")
    context.close()

    context, page = phone()  # the village official
    log_in(page, "desa")
    page.goto("/reports/new")
    page.check("input[name=category][value=lodging]")
    save(page, "2-official-report-form", full_page=True)
    page.goto("/reports/")
    save(page, "3-official-village-reports")
    context.close()

    context, page = phone()  # the PIMPASA officer
    log_in(page, "petugas")
    page.goto("/review/")
    page.locator("#review-badge .badge").first.wait_for()
    save(page, "4-officer-queue")
    page.locator(".queue-row .row-head a").first.click()
    page.locator("#report-workspace").wait_for()
    save(page, "5-officer-report")
    context.close()

    context, page = phone()  # the office admin
    log_in(page, "admin")
    page.goto("/recap/?period=this_quarter")
    save(page, "6-admin-recap")
    page.goto("/admin/")
    page.click(".nav-more > summary")
    save(page, "7-admin-menu")
    context.close()


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    base_url = serve_app()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tour(browser, base_url)
        finally:
            browser.close()
    total = sum(path.stat().st_size for path in OUT.glob("*.png"))
    print(f"docs/screens: {total // 1024} KB in all")


if __name__ == "__main__":
    main()
