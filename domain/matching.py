"""Comparing persons' names and passport numbers across reports. Plain Python, no Flask."""

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# Letters that Unicode does not decompose into a base letter and an accent, written as their
# base letter (Vietnamese Đặng is Dang); the others lose their accents by decomposition.
BASE_LETTERS = str.maketrans({"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i",
                              "æ": "ae", "œ": "oe"})

# Two names this alike (0..1, after normalising) may be the same person written differently.
SIMILAR_RATIO = 0.8


def name_key(name):
    """A name reduced for comparison: no case, accents or punctuation, words in sorted order,
    so 'Tan, Wei Ming' and 'wei ming TAN' meet."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().translate(BASE_LETTERS)
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return " ".join(sorted(words))


def passport_key(number):
    """A passport number as it is printed: upper case, no spaces or dashes."""
    return "".join(ch for ch in (number or "").upper() if ch.isalnum())


# The same pairs come back page after page (a village's names recur): the answer is kept.
@lru_cache(maxsize=16384)
def similar_names(first, second):
    """Whether two names (as name keys) are probably the same person: close spelling, or one
    name's words all found in the other ('wei ming tan' and 'tan wei')."""
    if not first or not second:
        return False
    if first == second:
        return True
    shorter, longer = sorted((set(first.split()), set(second.split())), key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return True
    # The ratio is at most 2 * shorter / (both lengths): names of far apart lengths never
    # need the matcher, and its quick upper bound rules out most of the others.
    if 2 * min(len(first), len(second)) < SIMILAR_RATIO * (len(first) + len(second)):
        return False
    matcher = SequenceMatcher(None, first, second)
    return matcher.quick_ratio() >= SIMILAR_RATIO and matcher.ratio() >= SIMILAR_RATIO


# How strongly a person seen matches one seen before (0: not the same person). A strong match
# links the two sightings by itself; a weaker one is only suggested to the officer.
SAME_PASSPORT = 3
SAME_NAME_AND_BIRTH = 2
LIKELY = 1
STRONG = SAME_NAME_AND_BIRTH
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Sighting:
    """What matching needs of one person seen: the name key, the nationality (ISO code, '' if
    unknown), the passport number as printed ('' if unknown) and the years of birth they may
    have been born in (empty when neither the birth date nor the age is known)."""

    name_key: str
    nationality: str
    passport: str
    birth_years: frozenset


def birth_years(birth_date, age, seen_on):
    """The years a person may have been born in: the year of the birth date, else the two years
    an age given on `seen_on` allows, else none."""
    if birth_date is not None:
        return frozenset({birth_date.year})
    if age is not None and seen_on is not None:
        return frozenset({seen_on.year - age - 1, seen_on.year - age})
    return frozenset()


def sighting(name, nationality, passport, birth_date, age, seen_on):
    return Sighting(name_key(name), nationality or "", passport_key(passport),
                    birth_years(birth_date, age, seen_on))


def match_strength(new, old):
    """How strongly two sightings are one person: the same passport number is enough; two
    different numbers never are. Otherwise the names must be alike (in any order, with or
    without accents), the nationalities and the years of birth must not disagree, and only the
    same name with the same nationality and year of birth is strong."""
    if new.passport and old.passport:
        return SAME_PASSPORT if new.passport == old.passport else 0
    if not similar_names(new.name_key, old.name_key):
        return 0
    if new.nationality and old.nationality and new.nationality != old.nationality:
        return 0
    if new.birth_years and old.birth_years and not new.birth_years & old.birth_years:
        return 0
    known = new.nationality and new.birth_years and old.birth_years
    if known and new.name_key == old.name_key and new.nationality == old.nationality:
        return SAME_NAME_AND_BIRTH
    return LIKELY


def choose_record(new, seen_before, taken=frozenset()):
    """Which record a new sighting joins, and which to suggest, from `seen_before`: pairs of
    (record id, Sighting) of persons already linked. Returns (record id or None, [suggested
    record ids, strongest first]); a record in `taken` (another person of the same report)
    is only suggested."""
    strength = {}
    for record_id, old in seen_before:
        strength[record_id] = max(strength.get(record_id, 0), match_strength(new, old))
    ranked = sorted((record_id for record_id, score in strength.items() if score),
                    key=lambda record_id: (-strength[record_id], -record_id))
    chosen = next((record_id for record_id in ranked
                   if strength[record_id] >= STRONG and record_id not in taken), None)
    suggested = [record_id for record_id in ranked if record_id != chosen]
    return chosen, suggested[:MAX_SUGGESTIONS]
