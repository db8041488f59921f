"""Settings read from the environment, one class per mode."""

import base64
import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from domain.calendar import OFFICE_ZONE_NAME

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def development_key(purpose):
    """A fixed key for development and tests, derived from a public phrase: NOT secret, never for
    real data (production refuses it)."""
    phrase = f"desa-binaan development {purpose} key: public, not secret".encode()
    return base64.urlsafe_b64encode(hashlib.sha256(phrase).digest()).decode()


DEVELOPMENT_DATA_KEY = development_key("data")
DEVELOPMENT_INDEX_KEY = development_key("blind index")


def env_flag(name, default=False):
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production defaults: secure unless told otherwise."""

    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'desa_binaan.db'}"
    )
    # hide_parameters: statement logs and database errors never carry the values (a search for a
    # passport number, a name, a phone number), only the SQL.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", 10 * 1024 * 1024))
    # Three photos the phone could not shrink, plus the form fields.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 32 * 1024 * 1024))
    MAX_FORM_MEMORY_SIZE = 500_000
    MAX_FORM_PARTS = 200

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = OFFICE_ZONE_NAME
    LANGUAGES = ("id", "en")

    # A report queued offline for days must still be accepted: tokens live as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # An admin's session needs the password again this long after the login (web/session.py).
    ADMIN_SESSION_LIFETIME = timedelta(hours=12)
    # Renewed once a day instead (web/session.py): a fortnight after the last visit, give or take.
    SESSION_REFRESH_EACH_REQUEST = False
    PASSWORD_HASH_METHOD = "scrypt"
    # A folder for compiled templates, shared by worker processes (empty: compiled per process).
    JINJA_BYTECODE_DIR = os.environ.get("JINJA_BYTECODE_DIR", "")
    FORCE_HTTPS = env_flag("FORCE_HTTPS", False)
    PROXY_FIX = env_flag("PROXY_FIX", False)

    # Text responses are compressed (Flask-Compress); weak island signal makes every byte count.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ]
    COMPRESS_MIN_SIZE = 500
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Static files are streamed; browsers offer br only over HTTPS, so gzip must stream too.
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    # Changes the service worker's version with each release; the git commit when unset.
    RELEASE = os.environ.get("RELEASE", "")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = env_flag("RATELIMIT_ENABLED", True)
    LOGIN_LIMIT = os.environ.get("LOGIN_LIMIT", "5 per minute;30 per hour")
    # Public tips, per address. Villagers often share one carrier address, so the limits are loose.
    TIP_LIMIT = os.environ.get("TIP_LIMIT", "20 per hour;60 per day")
    # Failed tip status look-ups (wrong code or PIN), per address.
    TIP_STATUS_LIMIT = os.environ.get("TIP_STATUS_LIMIT", "10 per 15 minutes;30 per day")
    # Wrong PINs for one tip code, from any address: the code locks until the hour is over.
    TIP_CODE_LIMIT = os.environ.get("TIP_CODE_LIMIT", "10 per hour")

    OFFICE_NAME = os.environ.get("OFFICE_NAME", "Kantor Imigrasi Kelas II TPI Belakang Padang")
    OFFICE_CONTACT = os.environ.get("OFFICE_CONTACT", "")
    # The office's own details for the guidance pages; each is left out when empty, never guessed.
    OFFICE_ADDRESS = os.environ.get("OFFICE_ADDRESS", "")
    OFFICE_PHONE = os.environ.get("OFFICE_PHONE", "")
    OFFICE_HOURS = os.environ.get("OFFICE_HOURS", "")
    PIMPASA_OFFICER = os.environ.get("PIMPASA_OFFICER", "")
    # Days after its closing (a tip never confirmed: after its last change) when a report loses
    # its personal data: `flask daily` runs the rule (services/retention.py); the privacy page says it.
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS") or 730)
    GUIDANCE_DIR = os.environ.get("GUIDANCE_DIR", str(BASE_DIR / "content" / "guidance"))
    REVIEW_DUE_WORKING_DAYS = int(os.environ.get("REVIEW_DUE_WORKING_DAYS", 3))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "desa-binaan@localhost")
    # The site's address as officers open it, e.g. https://desabinaan.example.go.id: the start of
    # every link in an e-mail. Required in production when MAIL_SERVER is set.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip()
    # A slow mail server must never delay saving a report: e-mails leave from a thread.
    MAIL_IN_BACKGROUND = True
    # Passport numbers and birth dates are sealed with these (domain/encryption.py): DATA_KEYS is
    # comma-separated base64 keys, the first seals and all open (old keys stay until
    # `flask rotate-keys` has finished); BLIND_INDEX_KEY keys the passport look-up index.
    # Both required in production.
    DATA_KEYS = os.environ.get("DATA_KEYS", "")
    BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "")


class DevelopmentConfig(Config):
    """`make run` on a laptop: plain HTTP, a throwaway key."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    DATA_KEYS = os.environ.get("DATA_KEYS", DEVELOPMENT_DATA_KEY)
    BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", DEVELOPMENT_INDEX_KEY)
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(DevelopmentConfig):
    """The test suite: its own database, no rate limits unless a test turns them on."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    DATA_KEYS = DEVELOPMENT_DATA_KEY
    BLIND_INDEX_KEY = DEVELOPMENT_INDEX_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    # One iteration: hundreds of logins a run; tests/test_auth.py checks the real scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
    MAIL_IN_BACKGROUND = False
    JINJA_BYTECODE_DIR = os.path.join(tempfile.gettempdir(), f"desa-binaan-jinja-{os.getuid()}")


CONFIGS = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}
