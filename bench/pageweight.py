"""Page weight and first paint of the main pages, measured in the system Chromium.

Run: `.venv/bin/python bench/pageweight.py` (or `bench/pageweight`). It serves the app on a
temporary SQLite database with the demo data and 40 reports, then for each page:

- bytes over the wire on a first visit (fresh browser profile, nothing cached) and a repeat
  visit (same profile, service worker active), summed from the DevTools protocol: the page's
  `Network.loadingFinished` events (encodedDataLength: compressed body plus headers) and the
  service worker's own requests (its install downloads, and the pages it fetches for the tab);
- time to first contentful paint of the report form over a slow 3G link (400 kbit/s each way,
  400 ms round trip, see bench/throttle.py), first and repeat visit.

Budgets (DESIGN.md, issue 6): report form first visit <= 60 KB in total, a repeat visit moves
only the HTML, first paint under 3 s (first) and 1 s (repeat). KB here is 1000 bytes."""

import logging
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from bench.throttle import SlowLink  # noqa: E402
from extensions import db  # noqa: E402
from services.demo import DEMO_PASSWORD  # noqa: E402
from services.demo import seed_demo  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.browser.conftest import PHONE  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = (  # (name, path, who is signed in)
    ("report form", "/reports/new", "desa"),
    ("guidance index", "/guidance/", None),
    ("article", "/guidance/timpora", None),
    ("queue", "/review/", "petugas"),
)
FORM_BUDGET = 60_000
FCP_BUDGETS = {"first": 3000, "repeat": 1000}


def serve_app():
    """The app on a throwaway database, served with keep-alive like a proxy in front would."""
    tmp = Path(tempfile.mkdtemp(prefix="pageweight-"))
    app = create_app(
        {
            "ENV_NAME": "development",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "UPLOAD_DIR": str(tmp / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        for number in range(40):
            factories.make_report(village_name=("Tanjung Sari", "Pemping")[number % 2])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server.server_port


def log_in(context, base_url, username):
    """Sign in through the form's POST alone, so no page or asset is loaded before measuring."""
    login = f"{base_url}/auth/login"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', context.request.get(login).text())
    form = {"csrf_token": token.group(1), "username": username, "password": DEMO_PASSWORD}
    context.request.post(login, form=form)


@dataclass
class Visit:
    """What crossed the wire during one visit."""

    page: dict = field(default_factory=dict)  # url -> bytes, the tab's own requests
    worker: dict = field(default_factory=dict)  # url -> bytes, the service worker's requests

    @property
    def total(self):
        return sum(self.page.values()) + sum(self.worker.values())

    def moved(self):
        """URLs that actually moved bytes (not answered from a cache)."""
        return sorted({url for url, size in {**self.page, **self.worker}.items() if size > 0})


class WireLog:
    """DevTools protocol network events of a tab and its service worker."""

    def __init__(self, context, page):
        self.visit = Visit()
        self.urls = {}
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.on(
            "Network.requestWillBeSent",
            lambda event: self.urls.update({event["requestId"]: event["request"]["url"]}),
        )
        cdp.on("Network.loadingFinished", self._finished)
        context.on("requestfinished", self._worker_request)

    def _finished(self, event):
        url = self.urls.get(event["requestId"], "?")
        self.visit.page[url] = self.visit.page.get(url, 0) + int(event["encodedDataLength"])

    def _worker_request(self, request):
        if request.service_worker is None:
            return  # the tab's requests are counted from its own events
        sizes = request.sizes()
        # A negative body size means the worker's fetch was answered from the HTTP cache.
        body = sizes["responseBodySize"]
        moved = body + sizes["responseHeadersSize"] if body >= 0 else 0
        self.visit.worker[request.url] = self.visit.worker.get(request.url, 0) + moved

    def take(self):
        visit, self.visit = self.visit, Visit()
        return visit


def settle(page):
    """Wait until the service worker controls the page and has finished its downloads."""
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) {
                await new Promise((done) =>
                    navigator.serviceWorker.addEventListener("controllerchange", done, {once: true}));
            }
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def first_paint(page):
    return page.evaluate(
        "() => Math.round(performance.getEntriesByName('first-contentful-paint')[0].startTime)"
    )


def new_context(browser, base_url, username):
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="id-ID", service_workers="allow")
    if username:
        log_in(context, base_url, username)
    return context


def weigh(browser, base_url, path, username):
    """Bytes of a first visit (with the worker's install) and of a repeat visit."""
    context = new_context(browser, base_url, username)
    page = context.new_page()
    wire = WireLog(context, page)
    page.goto(path, wait_until="load")
    settle(page)
    first = wire.take()
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    repeat = wire.take()
    context.close()
    return first, repeat


def paint_times(browser, base_url, path, username):
    """First contentful paint of a first and a repeat visit over the slow link."""
    context = new_context(browser, base_url, username)
    page = context.new_page()
    page.goto(path, wait_until="load", timeout=60000)
    first = first_paint(page)
    settle(page)
    page.goto(path, wait_until="load", timeout=60000)
    repeat = first_paint(page)
    context.close()
    return {"first": first, "repeat": repeat}


def kb(size):
    return f"{size / 1000:6.1f}"


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app, port = serve_app()
    base_url = f"http://127.0.0.1:{port}"
    paths = [(name, path, who) for name, path, who in PAGES if app.url_map.bind("x").test(path)]
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path, who in paths:
            results[name] = weigh(browser, base_url, path, who)
        slow = SlowLink(port, kbps=400, rtt_ms=400)
        paints = paint_times(browser, slow.start(), "/reports/new", "desa")
        browser.close()

    print("\nBytes over the wire (KB = 1000 bytes; compressed bodies plus headers, HTTP/1.1)\n")
    print(f"{'page':16} {'first: page':>12} {'+ worker':>9} {'= total':>8}   {'repeat':>7}  repeat moved")
    for name, (first, repeat) in results.items():
        moved = ", ".join(url.replace(base_url, "") for url in repeat.moved()) or "nothing"
        print(
            f"{name:16} {kb(sum(first.page.values())):>12} {kb(sum(first.worker.values())):>9} "
            f"{kb(first.total):>8}   {kb(repeat.total):>7}  {moved}"
        )
    if "report form" in results:
        first, repeat = results["report form"]
        print("\nReport form, first visit, per request:")
        rows = {**first.page, **{f"{u} (worker)": s for u, s in first.worker.items()}}
        for url, size in sorted((url, size) for url, size in rows.items() if not url.startswith("data:")):
            print(f"  {kb(size)}  {url.replace(base_url, '')}")
    print("\nFirst contentful paint of the report form, 400 kbit/s, 400 ms round trip:")
    for visit, millis in paints.items():
        target = FCP_BUDGETS[visit]
        verdict = "ok" if millis < target else "OVER BUDGET"
        print(f"  {visit:6} visit: {millis / 1000:.2f} s  (target < {target / 1000:.0f} s) {verdict}")

    failures = check_budgets(results, paints, base_url)
    print("\nBudgets: " + ("all met" if not failures else "; ".join(failures)))
    return 1 if failures else 0


def check_budgets(results, paints, base_url):
    """The issue's budgets, as a list of what was missed."""
    failures = []
    if "report form" not in results:
        return ["the report form is missing"]
    first, repeat = results["report form"]
    if first.total > FORM_BUDGET:
        failures.append(f"report form first visit {first.total} bytes > {FORM_BUDGET}")
    for name, (_first, again) in results.items():
        if any("/static/" in url or url.endswith("sw.js") for url in again.moved()):
            failures.append(f"{name}: repeat visit moved more than the HTML")
    failures += [f"{visit} paint {ms} ms" for visit, ms in paints.items() if ms >= FCP_BUDGETS[visit]]
    return failures


if __name__ == "__main__":
    sys.exit(main())
