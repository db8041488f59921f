"""Helpers for the offline browser tests: profiles that persist, and waiting for the worker."""

import os

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


def wait_for_worker(page):
    """Until the service worker is active and controls the page (precache done)."""
    # A function, not a string: the page's CSP forbids evaluating strings.
    page.evaluate(
        """async () => {
            const workers = navigator.serviceWorker;
            await workers.ready;
            if (!workers.controller) {
                await new Promise((done) => workers.addEventListener("controllerchange", done, {once: true}));
            }
        }"""
    )


def outbox_items(page):
    """What waits in the on-device outbox, as the page's own code sees it."""
    return page.evaluate("window.DesaOutbox.all()")
