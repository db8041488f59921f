"""The signed session cookie, renewed at most once a day.

Flask would re-sign a permanent session on every response, so that it lapses a fortnight after
the last visit rather than after logging in. With SESSION_REFRESH_EACH_REQUEST off, changing the
session once a day keeps that promise to within a day, and spares every other response the
signing and a Set-Cookie header (bytes on a weak line)."""

from datetime import UTC
from datetime import datetime

from flask import session


def renew_daily():
    """Before every request: touch a permanent session once a day, so Flask re-signs it."""
    if session.permanent:
        today = datetime.now(UTC).date().isoformat()
        if session.get("renewed_on") != today:
            session["renewed_on"] = today
