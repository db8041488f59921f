"""The workflow table, move by move, and the review deadline."""

from datetime import datetime
from itertools import product
from types import SimpleNamespace

import pytest

from domain import Outcome
from domain import Status
from domain import refcodes
from domain import workflow
from domain.workflow import OFFICE
from domain.workflow import REPORTER
from domain.workflow import TransitionError


def a_report(status):
    return SimpleNamespace(status=status, outcome=None, duplicate_of_id=None,
                           first_reviewed_at=None, version=1, updated_at=None)


@pytest.mark.parametrize(("current", "to", "actor"), list(product(Status, Status, [OFFICE, REPORTER])))
def test_every_move_is_allowed_exactly_when_the_table_says(current, to, actor):
    allowed = actor in workflow.TRANSITIONS.get((current, to), set())
    report = a_report(current)
    now = datetime(2026, 11, 27, 9)
    if allowed:
        fields = workflow.move(report, to, actor, now, outcome=Outcome.NO_VIOLATION)
        assert report.status == to and report.version == 2
        assert fields["from_status"] == current and fields["to_status"] == to
        assert to in workflow.allowed_moves(current, actor)
    else:
        with pytest.raises(TransitionError):
            workflow.move(report, to, actor, now, outcome=Outcome.NO_VIOLATION)
        assert report.status == current and report.version == 1
        assert to not in workflow.allowed_moves(current, actor)


def test_closing_needs_an_outcome():
    with pytest.raises(TransitionError, match="outcome_required"):
        workflow.move(a_report(Status.IN_REVIEW), Status.CLOSED, OFFICE, datetime(2026, 1, 1))


def test_duplicate_needs_the_original():
    with pytest.raises(TransitionError, match="original_required"):
        workflow.move(a_report(Status.IN_REVIEW), Status.CLOSED, OFFICE, datetime(2026, 1, 1),
                      outcome=Outcome.DUPLICATE)
    report = a_report(Status.IN_REVIEW)
    workflow.move(report, Status.CLOSED, OFFICE, datetime(2026, 1, 1), outcome=Outcome.DUPLICATE,
                  duplicate_of_id=7)
    assert report.duplicate_of_id == 7


def test_first_review_is_stamped_by_the_office_only():
    report = a_report(Status.NEW)
    workflow.move(report, Status.IN_REVIEW, OFFICE, datetime(2026, 1, 2))
    assert report.first_reviewed_at == datetime(2026, 1, 2)


def test_reference_codes_are_readable_and_unambiguous():
    codes = {refcodes.new_code() for _index in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 9 and code[4] == "-"
        assert not set(code) & set("0O1IL8BSZ")


def test_reference_codes_forgive_how_people_type_them():
    assert refcodes.normalize(" kx7m 3qfa ") == "KX7M-3QFA"
    assert refcodes.normalize("KX7M-3QF") is None
    assert refcodes.normalize("KX7M-3QF0") is None
