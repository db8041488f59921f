"""The message a reporter receives when a report is closed: one translated starting text per
outcome, which the officer edits before sending."""

from domain import Outcome
from i18n import lazy_gettext as _l

REPLY_TEMPLATES = {
    Outcome.ACTION_TAKEN: _l(
        "Thank you for your report. Our officers checked it and took action under the "
        "immigration rules. Your help keeps the village safe."
    ),
    Outcome.NO_VIOLATION: _l(
        "Thank you for your report. Our officers checked it and found no violation. The people "
        "concerned were told about the rules for foreigners, and we thank you for your care."
    ),
    Outcome.NOT_FOUND: _l(
        "Thank you for your report. Our officers looked but could not find the people described. "
        "If you see them again, please send a new report."
    ),
    Outcome.DUPLICATE: _l(
        "Thank you for your report. The same matter was reported earlier and is being handled "
        "under that report, so we have joined the two."
    ),
    Outcome.NOT_OUR_AUTHORITY: _l(
        "Thank you for your report. This matter is outside the authority of the immigration "
        "office. Please bring it to the village administration or the police."
    ),
    Outcome.INVALID: _l(
        "Thank you for your report. We could not follow it up because the information was "
        "unclear or incomplete. You are welcome to send a new report with more details."
    ),
}


def reply_template(outcome):
    """The starting text of the reply for `outcome`, in the current language."""
    return str(REPLY_TEMPLATES[Outcome(outcome)])
