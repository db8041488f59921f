"""Nationalities: ISO 3166 alpha-2 codes with country names from Babel's locale data. No Flask here."""

import unicodedata
from functools import cache

from babel import Locale

# Two-letter CLDR territories that are no one's nationality: reserved codes (Ascension, Canary
# Islands, ...), groupings (EU, UN), and test or unknown regions. Kosovo's XK stays: its
# passports exist.
NOT_NATIONALITIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
)
# Stateless persons exist (ICAO 9303 writes XXA); XX is in ISO 3166's user-assigned range.
STATELESS = "XX"


def _sort_key(name):
    """Alphabetical order that ignores accents, so 'Åland' sorts with the A's."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@cache
def countries(locale):
    """(code, name) of every nationality, named in `locale` and sorted by name."""
    territories = Locale.parse(locale).territories
    pairs = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_NATIONALITIES
    ]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def country_name(code, locale):
    """The name of one country in `locale`, or None for an unknown code."""
    return dict(countries(locale)).get(code)


@cache
def _codes_by_name(locales):
    """Every way a person may have typed a nationality, folded, mapped to its code."""
    names = {}
    for locale in locales:
        for code, name in countries(locale):
            names[_sort_key(name)] = code
            names[code.casefold()] = code
    return names


def fold(text):
    """A name folded for comparison: no accents, case or extra spaces."""
    return _sort_key(" ".join((text or "").split()))


def parse_nationality(text, locales):
    """The code for what was typed or picked ('Singapura', 'Singapore', 'sg'); None if unknown."""
    return _codes_by_name(tuple(locales)).get(fold(text))
