"""Name keys and name similarity used to find related reports."""

import pytest

from domain import matching


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tan Wei Ming", "ming tan wei"),
        ("  TAN,  wei-ming ", "ming tan wei"),
        ("José Álvarez", "alvarez jose"),
        ("", ""),
    ],
)
def test_name_key(name, key):
    assert matching.name_key(name) == key


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        ("Tan Wei Ming", "MING Tan Wei", True),
        ("Tan Wei Ming", "Tan Wei", True),
        ("Tan Wei Ming", "Tan Wei Min", True),
        ("John Smith", "Jon Smith", True),
        ("John Smith", "Mary Jones", False),
        ("Wei", "Wei Ming Tan", False),  # one word alone is too little
        ("", "Tan", False),
    ],
)
def test_similar_names(first, second, similar):
    assert matching.similar_names(matching.name_key(first), matching.name_key(second)) is similar


def test_passport_key():
    assert matching.passport_key(" a12-345 67 ") == "A1234567"
