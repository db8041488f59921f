"""What the search index keeps of a report (domain/searchtext.py): plain Python, no database."""

import pytest

from domain import searchtext


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Nguyễn, Văn Thành", ["nguyen", "van", "thanh"]),
        ("SØREN Kierkegård", ["soren", "kierkegard"]),
        ("Łukasz Đorđević", ["lukasz", "dordevic"]),
        ("Tan_Wei-Ming 100%", ["tan", "wei", "ming", "100"]),
        ("% -- _", []),
        (None, []),
    ],
)
def test_words_lose_case_accents_and_punctuation(text, words):
    assert searchtext.words(text) == words


def test_each_name_is_indexed_with_its_words_in_order():
    assert searchtext.names_text(["Tan Wei Ming", "", "José  Álvarez"]) == (
        "ming tan wei / alvarez jose")


@pytest.mark.parametrize(
    ("typed", "name", "shared"),
    [
        ("muhamad", "muhammad", True),  # a letter missing
        ("muhammed", "muhammad", True),  # a letter wrong
        ("mohammadd", "mohammad", True),  # a letter extra
        ("ngyuen", "nguyen", True),  # two letters swapped
        ("mohamed", "muhammad", False),  # three letters off
        ("wie", "wei", False),  # short words are typed exactly
    ],
)
def test_one_typo_apart_share_a_typo_key(typed, name, shared):
    keys = searchtext.typo_keys(typed)
    assert bool(keys & set(searchtext.typo_text([name]).split())) is shared


def test_a_search_keeps_its_first_words():
    assert searchtext.query_words("a b c d e f g h") == ["a", "b", "c", "d", "e", "f"]
