"""Who sees which reports, and to whom a report may be assigned. Duck-typed on the user
(role, village_id, villages, active): the same rules for models and for tests' plain objects."""

from domain import Role


def visible_village_ids(user):
    """Ids of the villages whose reports `user` may see; None means all of them."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.OFFICER:
        return [village.id for village in user.villages]
    return [user.village_id] if user.village_id else []


def active_officers(village_officers):
    """The officers of a report's village who may be given it: those whose account is active."""
    return [officer for officer in village_officers if officer.active]


def assignable(actor, village_officers):
    """Whom `actor` may assign a report to: the active officers of its village; an admin may
    also take it themselves."""
    people = active_officers(village_officers)
    if actor.role == Role.ADMIN and actor not in people:
        people.append(actor)
    return people


def may_claim(actor, assignee, village_officers):
    """Whether `actor` may take the report for themselves (it is not theirs already)."""
    return assignee != actor and actor in assignable(actor, village_officers)
