"""How heavy is the report detail page? Its HTML in bytes, as sent (gzip, as browsers ask) and
unpacked, and the SQL statements it runs, over the 50 open reports `queue_bench.py` opens,
signed in as the demo officer, in process (a werkzeug test client, no server). Instructions per
page come from `instructions.py` with the same paths.

    .venv/bin/python bench/detail_weight.py --database /tmp/queue-bench-.../bench.db
"""

import argparse
import gzip
import os
import re
import secrets
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True)
    args = parser.parse_args()
    os.chdir(ROOT)
    os.environ.update(APP_ENV="production", SECRET_KEY=secrets.token_hex(16),
                      DATABASE_URL=f"sqlite:///{args.database}", SESSION_COOKIE_SECURE="0",
                      RATELIMIT_ENABLED="0", MAIL_SERVER="")
    from queue_bench import sample_paths
    from sqlalchemy import event
    from werkzeug.test import Client

    from app import create_app
    from extensions import db

    app = create_app()
    client = Client(app)
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"csrf_token": token, "username": "petugas",
                                     "password": "demo12345"})
    client.get("/")
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_args: statements.append(1))
    paths = sample_paths(args.database)[0]["report detail page"]
    sent, html, counts = [], [], []
    for path in paths:
        client.get(path, headers={"Accept-Encoding": "gzip"})  # warm: the same state for each
        statements.clear()
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, (path, response.status_code)
        body = response.get_data()
        sent.append(len(body))
        is_gzip = response.headers.get("Content-Encoding") == "gzip"
        html.append(len(gzip.decompress(body)) if is_gzip else len(body))
        counts.append(len(statements))
    print(f"{len(paths)} open reports of the demo officer, e.g. {paths[0]}")
    print(f"{'':22}{'median':>9}{'min':>9}{'max':>9}")
    for name, values in (("HTML bytes", html), ("gzip bytes (sent)", sent),
                         ("SQL statements", counts)):
        print(f"{name:22}{statistics.median(values):9.0f}{min(values):9}{max(values):9}")


if __name__ == "__main__":
    main()
