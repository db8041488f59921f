"""What the search index keeps of a report, and what a typed search asks for. Plain Python, no
Flask, no database: both databases index the same normalised text, made here."""

import re
import unicodedata

# Words shorter than this must be typed exactly: one letter off in a short word is another word.
TYPO_MIN_LENGTH = 4
# A run of letters and digits (\w without the underscore), in any script.
WORD = re.compile(r"[^\W_]+")
# Latin letters no Unicode decomposition takes apart, written as people type them without.
PLAIN_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                               "þ": "th", "ı": "i"})
# More words than this in a search are dropped (each one is a term of the index's query).
MAX_WORDS = 6


def words(text):
    """`text` as the index's words: no case, accents or punctuation ('Nguyễn, Văn' -> nguyen van)."""
    text = (text or "").casefold()
    if not text.isascii():  # most text is plain ASCII: no need to take letters apart
        decomposed = unicodedata.normalize("NFKD", text.translate(PLAIN_LETTERS))
        text = "".join(character for character in decomposed
                       if not unicodedata.combining(character)).casefold()
    return WORD.findall(text)


def names_text(names):
    """The persons' names of a report, each with its words in sorted order (so 'Tan Wei Ming'
    and 'Ming, TAN Wei' index alike), one person after the other."""
    keys = (" ".join(sorted(words(name))) for name in names)
    return " / ".join(key for key in keys if key)


def document_text(names, description):
    """Everything a search's words are looked for in: the names, then the description."""
    return " ".join([*words(" ".join(names)), *words(description)])


def deletions(word):
    """`word` with each one of its letters left out."""
    return {word[:position] + word[position + 1:] for position in range(len(word))}


def typo_keys(word):
    """The keys under which `word` is found with one letter wrong, missing, extra or two letters
    swapped: the word itself and, for a long enough word, the word less any one letter. Two words
    one such typo apart always share a key (a symmetric deletion index, queried exactly)."""
    if len(word) < TYPO_MIN_LENGTH:
        return {word}
    return {word} | deletions(word)


def typo_text(names):
    """The typo keys of every word of the names, for the index's typo column."""
    keys = set()
    for word in words(" ".join(names)):
        keys |= typo_keys(word)
    return " ".join(sorted(keys))


def village_tag(village_id):
    """What the words of a village's reports start with in the index's village columns. Its
    digits end at the 'x', so no word of one village reads as another's ('v1x23' against
    'v12x3')."""
    return f"v{village_id}x"


def in_village(village_id, text):
    """`text`'s words (or typo keys), each tagged with the village: 'v12xnguyen'."""
    tag = village_tag(village_id)
    return " ".join(tag + word for word in text.split())


def query_words(text):
    """The words of a typed search the index is asked for (at most MAX_WORDS)."""
    return words(text)[:MAX_WORDS]
