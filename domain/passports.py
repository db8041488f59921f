"""Who may read a full passport number, and how it looks to everyone else. Duck-typed on the
user (role, id, villages) and the report (village_id, reporter_id), like domain.visibility."""

from domain import Role

MASK = "•"


def mask_passport(number):
    """Enough of a number to recognise it, never enough to use it: 'A1234567' -> 'A1•••567';
    short numbers keep less, very short ones nothing."""
    number = number or ""
    if len(number) >= 8:
        shown_start, shown_end = 2, 3
    elif len(number) >= 6:
        shown_start, shown_end = 1, 2
    else:
        shown_start, shown_end = 0, 0
    hidden = len(number) - shown_start - shown_end
    return number[:shown_start] + MASK * hidden + number[len(number) - shown_end:]


def may_read_passport(user, report):
    """The full number is for those who work the report: an admin, an officer of its village,
    and the official who sent it (not every official of the village)."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.OFFICER:
        return any(village.id == report.village_id for village in user.villages)
    return report.reporter_id is not None and report.reporter_id == user.id


def passport_for(user, report, number):
    """The number as `user` may see it on `report`: whole, or masked."""
    return number if may_read_passport(user, report) else mask_passport(number)
