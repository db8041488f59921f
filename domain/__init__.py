"""The vocabulary of the programme: roles, statuses, outcomes, categories. No Flask here."""

from enum import StrEnum


class Role(StrEnum):
    OFFICIAL = "official"
    OFFICER = "officer"
    ADMIN = "admin"


class Source(StrEnum):
    OFFICIAL = "official"
    RESIDENT = "resident"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Category(StrEnum):
    LODGING = "lodging"
    WORKING = "working"
    SEA_ARRIVAL = "sea_arrival"
    SUSPICIOUS = "suspicious"
    FAMILY = "family"
    OTHER = "other"


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    FIELD_CHECK = "field_check"
    FORWARDED = "forwarded"
    CLOSED = "closed"


class Outcome(StrEnum):
    ACTION_TAKEN = "action_taken"
    NO_VIOLATION = "no_violation"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    NOT_OUR_AUTHORITY = "not_our_authority"
    INVALID = "invalid"


class EventKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    NOTE = "note"
    ASSIGNED = "assigned"
    INFO_REQUEST = "info_request"
    REPLY = "reply"
    # Person records (services/person_records.py); the office's only, never the reporter's.
    PERSON_LINKED = "person_linked"
    PERSON_UNLINKED = "person_unlinked"
    NOT_SAME = "not_same"
    RECORDS_MERGED = "records_merged"
    MERGE_UNDONE = "merge_undone"


class AuditKind(StrEnum):
    """What an entry of the account and sign-in audit log records (models.AuditEntry)."""

    ACCOUNT_CREATED = "account_created"
    ACCOUNT_CHANGED = "account_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    SESSIONS_ENDED = "sessions_ended"
    VILLAGE_CREATED = "village_created"
    VILLAGE_CHANGED = "village_changed"
    VILLAGE_RENAMED = "village_renamed"
    VILLAGE_DEACTIVATED = "village_deactivated"
    VILLAGE_REACTIVATED = "village_reactivated"
    LOGIN_FAILED = "login_failed"
    # Downloads of the recap's figures, and of the admins' export with names, passport numbers
    # and phones (UU 27/2022: who took personal data out of the app, when, and which).
    RECAP_DOWNLOADED = "recap_downloaded"
    PERSONAL_DATA_EXPORTED = "personal_data_exported"
    RETENTION_PURGE = "retention_purge"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


# The guidance article that explains the rule behind each category.
CATEGORY_GUIDANCE = {
    Category.LODGING: "lodging-report-duty",
    Category.WORKING: "signs-of-violations",
    Category.SEA_ARRIVAL: "signs-of-violations",
    Category.SUSPICIOUS: "trafficking-smuggling",
    Category.FAMILY: "mixed-marriage-family",
    Category.OTHER: "how-to-report",
}
