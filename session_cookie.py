"""The signed session cookie, re-issued at most once a day."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature


class DailyRefreshedSession(SecureCookieSessionInterface):
    """Flask re-signs a permanent session on every response, so that it lapses a fortnight
    after the last visit rather than after logging in. Re-signing it once a day keeps that
    promise to within a day, and spares every other response the signing and a Set-Cookie
    header (bytes on a weak line)."""

    refresh_after = timedelta(days=1)

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app, session):
        if session.modified:
            return True
        if not session.permanent or not app.config["SESSION_REFRESH_EACH_REQUEST"]:
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= self.refresh_after
