"""Every page each role can open, for the browser tests that walk them all (issue 13)."""

from tests.browser.conftest import log_in

ROLES = ("public", "desa", "petugas", "admin")
USERNAMES = {"desa": "desa", "petugas": "petugas", "admin": "admin"}

# The role's main tasks: in view without scrolling on every page at 360 x 740.
MAIN_LINKS = {
    "public": ("/guidance/", "/tips/new", "/tips/status"),
    "desa": ("/reports/new", "/reports/"),
    "petugas": ("/review/",),
    "admin": ("/review/", "/recap/", "/admin/"),
}

COMMON = ("/", "/guidance/", "/guidance/how-to-report", "/tips/new", "/tips/status", "/offline", "/outbox")
PAGES = {
    "public": (*COMMON, "/auth/login"),
    "desa": (*COMMON, "/reports/new", "/reports/", "first:/reports/|.report-row a", "/auth/password"),
    "petugas": (*COMMON, "/review/", "first:/review/|.queue-row .row-head a",
                "first:/review/|.queue-row .row-head a|a.person-record", "/recap/", "/checkins/",
                "/auth/password"),
    "admin": ("/", "/guidance/", "/review/", "first:/review/|.queue-row .row-head a", "/recap/", "/admin/",
              "first:/admin/|a[href*='/admin/users/']:not([href$='/new'])",
              "first:/admin/|a[href*='/admin/villages/']:not([href$='/new'])", "/audit/",
              "/checkins/", "/auth/password", "/outbox"),
}


def sign_in(page, role):
    if role != "public":
        log_in(page, USERNAMES[role])


def paths(page, role):
    """The role's pages as paths; `first:LIST|SELECTOR` is the first link SELECTOR finds on LIST,
    `first:LIST|SELECTOR|NEXT` the first link NEXT finds on that page, and so on."""
    for entry in PAGES[role]:
        if entry.startswith("first:"):
            path, *selectors = entry.removeprefix("first:").split("|")
            for selector in selectors:
                page.goto(path)
                path = page.locator(selector).first.get_attribute("href")
            yield path
        else:
            yield entry


def switch_language(page, lang):
    """Switch with the header's button (for a signed-in user it is also their saved choice)."""
    if page.locator("html").get_attribute("lang") != lang:
        with page.expect_navigation():
            page.click(f"button[name=lang][value={lang}]")
        assert page.locator("html").get_attribute("lang") == lang
