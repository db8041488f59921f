"""A worker that dies: signs in as the demo official, sends one report with a photo and kills
itself with SIGKILL just before or just after the database COMMIT, as gunicorn's master or the
kernel's OOM killer would. Run by tests/test_photo_faults.py as a separate process:

    python -m tests.crash_child DATABASE_URI UPLOAD_DIR before|after FORM_JSON"""

import json
import os
import signal
import sys

from app import create_app
from extensions import db
from tests.report_helpers import a_photo
from tests.report_helpers import post_form


def main(database_uri, upload_dir, when, form_json):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "UPLOAD_DIR": upload_dir,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "desa", "password": "demo12345"}).status_code == 303
    with app.app_context():
        dialect = db.engine.dialect
        original = dialect.do_commit

        def die(dbapi_connection):
            if when == "after":
                original(dbapi_connection)
            os.kill(os.getpid(), signal.SIGKILL)

        dialect.do_commit = die
    post_form(client, "/reports/new", json.loads(form_json), [a_photo()])
    sys.exit("the worker should have died")


if __name__ == "__main__":
    main(*sys.argv[1:])
