"""What the search index keeps of a report, and what a typed search asks for. Plain Python, no
Flask, no database: both databases index the same normalised text, made here."""

import unicodedata

# Words shorter than this must be typed exactly: one letter off in a short word is another word.
TYPO_MIN_LENGTH = 4
# More words than this in a search are dropped (each one is a term of the index's query).
MAX_WORDS = 6


def words(text):
    """`text` as the index's words: no case, accents or punctuation ('Nguyễn, Văn' -> nguyen van)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    return "".join(ch if ch.isalnum() else " " for ch in plain.casefold()).split()


def names_text(names):
    """The persons' names of a report, each with its words in sorted order (so 'Tan Wei Ming'
    and 'Ming, TAN Wei' index alike), one person after the other."""
    return " / ".join(" ".join(sorted(words(name))) for name in names if words(name))


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


def query_words(text):
    """The words of a typed search the index is asked for (at most MAX_WORDS)."""
    return words(text)[:MAX_WORDS]
