"""Where things live, checked: domain/ imports neither Flask nor the database, services/ never
reach the request, the session or templates, and no blueprint imports another."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOOSE_MODULES = {"app.py", "config.py", "extensions.py", "models.py", "translate.py"}


def imported_modules(path):
    """The absolute module names a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules_of(package):
    return sorted((ROOT / package).rglob("*.py"))


def test_the_domain_imports_without_flask_or_the_database():
    """Every domain module imports with Flask, its extensions and SQLAlchemy unimportable."""
    names = [".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
             for path in modules_of("domain")]
    blocked = ["flask", "flask_babel", "flask_login", "flask_sqlalchemy", "flask_wtf", "sqlalchemy",
               "werkzeug", "extensions", "models"]
    script = "\n".join([
        "import sys",
        *(f"sys.modules[{name!r}] = None" for name in blocked),
        *(f"import {name}" for name in names),
        "print('ok')",
    ])
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


@pytest.mark.parametrize("path", modules_of("domain"), ids=str)
def test_domain_modules_import_only_the_domain_and_libraries(path):
    ours = {"app", "blueprints", "config", "extensions", "models", "services", "web"}
    assert not {name.split(".")[0] for name in imported_modules(path)} & ours


@pytest.mark.parametrize("path", modules_of("services"), ids=str)
def test_services_never_touch_the_request_session_or_templates(path):
    """Services read and write data; only the translation catalog is shared with web/ (the
    e-mails they write leave the app in the reader's language)."""
    names = imported_modules(path)
    web = {name for name in names if name.split(".")[0] in ("web", "blueprints")}
    assert web <= {"web.i18n", "web.i18n.gettext", "web.labels", "web.labels.label"}
    flask_names = {"flask.request", "flask.session", "flask.g", "flask.render_template",
                   "flask.render_template_string"}
    assert not names & flask_names


@pytest.mark.parametrize("path", modules_of("web"), ids=str)
def test_web_never_imports_a_blueprint(path):
    assert not any(name.split(".")[0] == "blueprints" for name in imported_modules(path))


@pytest.mark.parametrize("path", modules_of("blueprints"), ids=str)
def test_no_blueprint_imports_another(path):
    own = path.relative_to(ROOT / "blueprints").parts[0].removesuffix(".py")
    others = {name.split(".")[1] for name in imported_modules(path)
              if name.startswith("blueprints.") and name.count(".") >= 1}
    assert others <= {own}


def test_only_the_product_card_s_modules_stay_at_the_root():
    assert {path.name for path in ROOT.glob("*.py")} <= LOOSE_MODULES


def test_every_module_says_what_it_owns():
    """A docstring at the top of every module: the app's, the tests', the tools'."""
    packages = ("domain", "services", "web", "blueprints", "tests", "bench", "migrations")
    paths = [*(ROOT / name for name in LOOSE_MODULES), *(p for pkg in packages for p in modules_of(pkg))]
    missing = [str(path.relative_to(ROOT)) for path in paths
               if not ast.get_docstring(ast.parse(path.read_text()))]
    assert missing == []
