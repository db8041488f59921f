"""Every name the templates use beyond Jinja's and Flask's own, registered in one place, so a
reader who meets one in a template finds it here."""

from flask import request
from flask_babel import get_locale
from flask_login import current_user

from domain import Role
from domain import checkins
from domain import workflow
from domain.calendar import office_today
from domain.passports import passport_for
from services.checkins import standing_grid
from services.reports import waiting_for_answer
from web import access
from web.articles import guidance_title
from web.articles import guidance_url
from web.articles import resident_essentials
from web.articles import urlhost
from web.caching import asset_url
from web.caching import shown_messages
from web.client_config import client_config_json
from web.fragments import kept
from web.labels import audit_value
from web.labels import event_title
from web.labels import label
from web.person_form import nationality_name


def navigation():
    """The menu for the user's role on this page (kept: web.fragments)."""
    role = str(current_user.role) if current_user.is_authenticated else None
    # An official's menu counts their village's reports waiting for an answer.
    waiting = waiting_for_answer(current_user.village_id) if role == Role.OFFICIAL else 0
    endpoint = request.endpoint or ""
    return kept("_nav.html", role=role, endpoint=endpoint, blueprint=endpoint.partition(".")[0],
                waiting=waiting)


# The recap's section on nil check-ins shows at most this many months, the last of its period.
CHECKIN_GRID_MONTHS = 24


def checkin_grid(date_from, date_to):
    """The user's villages as reported / nil / silent in each month from `date_from`'s to
    `date_to`'s, at most the last CHECKIN_GRID_MONTHS (the recap's section on nil check-ins)."""
    first = max(checkins.month_of(date_from), checkins.last_months(date_to, CHECKIN_GRID_MONTHS)[0])
    return standing_grid(current_user.visible_village_ids(), first, date_to, office_today())


def photos_by_event(report):
    """The report's photos grouped by the event they came with (None: sent with the report)."""
    grouped = {}
    for photo in report.photos:
        grouped.setdefault(photo.event_id, []).append(photo)
    return grouped


def shown_passport(report, number):
    """A person's passport number as the viewer may see it: whole for those who work the report
    (domain.passports), masked for anyone else."""
    return passport_for(current_user, report, number)


def register(app):
    """Make the names above, and the per-request ones, known to every template."""
    # Globals, not a context processor: macros imported without `with context` see globals
    # only, and importing with context builds a new module on every render.
    app.jinja_env.globals.update(
        asset_url=asset_url,  # also used by the manifest and the service worker
        audit_value=audit_value,
        checkin_grid=checkin_grid,
        guidance_title=guidance_title,
        guidance_url=guidance_url,
        event_title=event_title,
        label=label,
        nationality_name=nationality_name,
        navigation=navigation,
        office_name=app.config["OFFICE_NAME"],
        photos_by_event=photos_by_event,
        pwa_config_json=client_config_json,
        reporter_may_answer=workflow.reporter_may_answer,
        resident_essentials=resident_essentials,
        shown_messages=shown_messages,
        shown_passport=shown_passport,
    )
    app.jinja_env.filters["urlhost"] = urlhost

    @app.context_processor
    def per_request():
        return {
            "current_locale": str(get_locale()),
            "may_use": lambda endpoint: access.may_use(endpoint, current_user),
        }
