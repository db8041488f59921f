"""Finding persons by passport number. The numbers are sealed (models.Sealed), so SQL never
compares them: it compares their blind index, the keyed HMAC of the normalised number."""

from sqlalchemy import false

from domain import matching
from models import Person
from models import passport_index


def passport_equals(number):
    """SQL condition: the person's passport is `number`, however it was written (case, spaces,
    dashes). Nothing matches a number with no letter or digit."""
    if not matching.passport_key(number):
        return false()
    return Person.passport_index == passport_index(number)

