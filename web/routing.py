"""What a number in a path may be: ASCII digits within the database's integer range.

Werkzeug's `int` converter matches any Unicode digit (`\\d`, so `/review/١٢` reached report 12) and
any length (`/review/99999999999999999999` reached the database, which failed with a 500: SQLite
cannot bind it, PostgreSQL's integer overflows). This one replaces it under the same name, so every
`<int:...>` of every blueprint is covered: anything else is a 404."""

from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError

# The largest value of an INTEGER column on PostgreSQL (SQLite's go further).
MAX_ID = 2**31 - 1


class DatabaseInt(IntegerConverter):
    """`<int:name>`: 0 to MAX_ID, written in ASCII digits without a sign."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


def ascii_number(raw, high=MAX_ID):
    """A whole number from 0 to `high` written in ASCII digits, or None."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    number = int(raw)
    return number if number <= high else None


def install(app):
    """Before any blueprint is registered: rules take their converter when they are added."""
    app.url_map.converters["int"] = DatabaseInt
