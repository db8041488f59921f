"""The translation workflow: extract messages, update the catalogs, compile them.

`make i18n` runs all three; the test suite calls `extract` to check the catalogs are current."""

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
# Hidden folders (.venv) and everything that holds no user-facing text.
IGNORED_DIRS = ".* instance tests bench migrations node_modules __pycache__"


def pybabel(*args):
    """Run one pybabel command from the project root."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(pot=POT):
    """Collect every translatable string of the sources into a template."""
    pybabel(
        "extract",
        "-F", str(ROOT / "babel.cfg"),
        "-k", "_l",
        "--ignore-dirs", IGNORED_DIRS,
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o", str(pot),
        str(ROOT),
    )


def update():
    """Merge the template into each language's catalog."""
    pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
            "--ignore-obsolete", "--width", "100")


def compile_catalogs():
    """Build the .mo files the app loads."""
    pybabel("compile", "-d", str(TRANSLATIONS))


if __name__ == "__main__":
    steps = {"extract": extract, "update": update, "compile": compile_catalogs}
    for name in sys.argv[1:] or ["extract", "update", "compile"]:
        steps[name]()
