"""The status workflow of a report: the one table of allowed moves, the event each move writes,
the version every change makes, who may answer a question, and when a first review is late.
Plain Python, no Flask: the blueprints and services ask here and write the event this returns."""

from domain import EventKind
from domain import Outcome
from domain import Source
from domain import Status
from domain.calendar import review_due

OFFICE = "office"  # officers of the report's village, and admins
REPORTER = "reporter"  # the official or resident who sent it, answering a question

# (from, to) -> who may make that move. Nothing else is allowed, anywhere.
TRANSITIONS = {
    (Status.NEW, Status.IN_REVIEW): {OFFICE},
    (Status.NEW, Status.NEEDS_INFO): {OFFICE},
    (Status.NEW, Status.CLOSED): {OFFICE},
    (Status.IN_REVIEW, Status.NEEDS_INFO): {OFFICE},
    (Status.IN_REVIEW, Status.FIELD_CHECK): {OFFICE},
    (Status.IN_REVIEW, Status.FORWARDED): {OFFICE},
    (Status.IN_REVIEW, Status.CLOSED): {OFFICE},
    (Status.NEEDS_INFO, Status.IN_REVIEW): {OFFICE, REPORTER},
    (Status.NEEDS_INFO, Status.CLOSED): {OFFICE},
    (Status.FIELD_CHECK, Status.IN_REVIEW): {OFFICE},
    (Status.FIELD_CHECK, Status.FORWARDED): {OFFICE},
    (Status.FIELD_CHECK, Status.CLOSED): {OFFICE},
    (Status.FORWARDED, Status.CLOSED): {OFFICE},
    (Status.CLOSED, Status.IN_REVIEW): {OFFICE},  # reopen when new facts arrive
}

OPEN_STATUSES = tuple(status for status in Status if status != Status.CLOSED)
# Moves that take more than a button: a question for the reporter, and closing with an outcome.
MOVES_WITH_FORMS = (Status.NEEDS_INFO, Status.CLOSED)


class TransitionError(ValueError):
    """A move the workflow does not allow; `reason` is a stable key for a translated message."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def allowed_moves(current, actor):
    """The statuses `actor` may move a report to from `current`, in workflow order."""
    return [to for to in Status if actor in TRANSITIONS.get((Status(current), to), ())]


def check_move(current, to, actor, outcome=None, duplicate_of_id=None):
    """Raise TransitionError unless the move is allowed and complete."""
    if actor not in TRANSITIONS.get((Status(current), Status(to)), ()):
        raise TransitionError("not_allowed")
    if Status(to) == Status.CLOSED:
        if outcome not in set(Outcome):
            raise TransitionError("outcome_required")
        if Outcome(outcome) == Outcome.DUPLICATE and duplicate_of_id is None:
            raise TransitionError("original_required")


def move(report, to, actor, now, outcome=None, duplicate_of_id=None):
    """Apply an allowed move to `report` and return the fields of the event that records it."""
    check_move(report.status, to, actor, outcome, duplicate_of_id)
    from_status = report.status
    report.status = Status(to)
    if Status(to) == Status.CLOSED:
        report.outcome = Outcome(outcome)
        report.duplicate_of_id = duplicate_of_id if outcome == Outcome.DUPLICATE else None
    elif from_status == Status.CLOSED:
        report.outcome = None
        report.duplicate_of_id = None
    if report.first_reviewed_at is None and actor == OFFICE:
        report.first_reviewed_at = now
    bump(report, now)
    return {"kind": event_kind(to, actor), "from_status": from_status, "to_status": Status(to)}


def event_kind(to, actor):
    """The kind of event a move writes: the reporter's answer, the office's question, or a
    plain change of status."""
    if actor == REPORTER:
        return EventKind.REPLY
    if Status(to) == Status.NEEDS_INFO:
        return EventKind.INFO_REQUEST
    return EventKind.STATUS


def bump(report, now):
    """Every change makes a new version of the report (the optimistic lock) and dates it."""
    report.version += 1
    report.updated_at = now


# Who answers the office's questions in the app: an official from the report's page, a resident
# from the tip-status page with the tip's code and PIN. Each answers only their own kind.
ANSWERING_SOURCES = frozenset({Source.OFFICIAL, Source.RESIDENT})


def reporter_may_answer(report, answering_as=Source.OFFICIAL):
    """Whether the report waits for an answer that its reporter, answering as an official (the
    report's page) or as a resident (the tip-status page), may give in the app."""
    return (report.status == Status.NEEDS_INFO and answering_as in ANSWERING_SOURCES
            and report.source == answering_as)


def is_overdue(status, created_at, now, working_days):
    """A report still waiting for its first review after the deadline (office working days)."""
    return Status(status) == Status.NEW and now > review_due(created_at, working_days)
