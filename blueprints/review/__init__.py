"""The officers' review (/review): the queue, the badge and a report's page (pages.py), and the
actions on a report (actions.py); how rows and waiting times are shown (display.py) and the
forms that carry text (forms.py)."""

from flask import Blueprint

from domain import Role
from web.access import roles

bp = Blueprint("review", __name__, url_prefix="/review")
# Every review route is for the office: officers of the report's villages, and admins.
for_the_office = roles(Role.OFFICER, Role.ADMIN)

from blueprints.review import actions  # noqa: E402, F401  (registers the routes on bp)
from blueprints.review import pages  # noqa: E402, F401
