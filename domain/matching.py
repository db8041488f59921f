"""Comparing persons' names and passport numbers across reports. Plain Python, no Flask."""

import unicodedata
from difflib import SequenceMatcher

# Two names this alike (0..1, after normalising) may be the same person written differently.
SIMILAR_RATIO = 0.8


def name_key(name):
    """A name reduced for comparison: no case, accents or punctuation, words in sorted order,
    so 'Tan, Wei Ming' and 'wei ming TAN' meet."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in plain.casefold()).split()
    return " ".join(sorted(words))


def passport_key(number):
    """A passport number as it is printed: upper case, no spaces or dashes."""
    return "".join(ch for ch in (number or "").upper() if ch.isalnum())


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
