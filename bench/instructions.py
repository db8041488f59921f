"""How much work is a page? Counts the CPU instructions one request costs, with valgrind's
callgrind, in process (no server, no network), beside a bare Flask 'hello'. Unlike timings,
the counts do not move with what else the machine is doing, so two versions of the code can be
compared on a shared machine. Needs valgrind and a database from `queue_bench.py --keep`.

    .venv/bin/python bench/instructions.py --database /tmp/queue-bench-.../bench.db
    .venv/bin/python bench/instructions.py --database ... /review/ /review/badge
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from bench_keys import BENCH_KEYS

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/review/", "/review/?status=new&sort=newest", "/review/badge", "/healthz")


def signed_in_client(database_url):
    """A werkzeug test client of the app in production settings, signed in as the demo officer."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.update(APP_ENV="production", SECRET_KEY=secrets.token_hex(16),
                      DATABASE_URL=database_url, SESSION_COOKIE_SECURE="0",
                      RATELIMIT_ENABLED="0", MAIL_SERVER="", **BENCH_KEYS)
    from werkzeug.test import Client

    from app import create_app

    client = Client(create_app())
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"csrf_token": token, "username": "petugas",
                                     "password": "demo12345"})
    client.get("/")  # as a browser would: this first page adds the CSRF token
    return client


def serve(database, path, count):
    """Sign in as the demo officer, then request `path` `count` times (run under valgrind)."""
    if path == "bare":
        from flask import Flask
        from werkzeug.test import Client

        app = Flask("bare")
        app.add_url_rule("/", "hello", lambda: "Hello")
        client, path = Client(app), "/"
    else:
        client = signed_in_client(f"sqlite:///{database}")
    headers = {"Accept-Encoding": "gzip"}
    for _ in range(20):  # warm: templates compiled, statements cached
        client.get(path, headers=headers)
    for _ in range(count):
        client.get(path, headers=headers)


def instructions(database, path, count):
    """Instructions of the whole run: start-up, warm-up and `count` requests."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         __file__, "--serve", path, "--count", str(count), "--database", str(database)],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", result.stderr)
    if not found:
        raise SystemExit(f"valgrind failed for {path}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.database, args.serve, args.count)
        return
    # Two runs per page; their difference is what the extra requests cost.
    few, many = 10, 10 + args.requests
    costs = {}
    for path in ("bare", *args.pages):
        costs[path] = (instructions(args.database, path, many)
                       - instructions(args.database, path, few)) / args.requests
    print(f"{'page':40} {'M instructions':>15} {'x bare':>8}")
    for path, cost in costs.items():
        name = "bare Flask 'hello'" if path == "bare" else path
        print(f"{name:40} {cost / 1e6:15.2f} {cost / costs['bare']:8.1f}")


if __name__ == "__main__":
    main()
