"""Every name the templates use beyond Jinja's and Flask's own, registered in one place, so a
reader who meets one in a template finds it here."""

from flask_babel import get_locale
from flask_login import current_user

from domain import workflow
from services.reports import waiting_for_answer as village_waiting_for_answer
from web import access
from web.articles import guidance_title
from web.articles import guidance_url
from web.articles import resident_essentials
from web.articles import urlhost
from web.caching import asset_url
from web.caching import shown_messages
from web.client_config import client_config_json
from web.labels import event_title
from web.labels import label
from web.person_form import nationality_name


def photos_by_event(report):
    """The report's photos grouped by the event they came with (None: sent with the report)."""
    grouped = {}
    for photo in report.photos:
        grouped.setdefault(photo.event_id, []).append(photo)
    return grouped


def register(app):
    """Make the names above, and the per-request ones, known to every template."""
    # Globals, not a context processor: macros imported without `with context` see globals
    # only, and importing with context builds a new module on every render.
    app.jinja_env.globals.update(
        asset_url=asset_url,  # also used by the manifest and the service worker
        guidance_title=guidance_title,
        guidance_url=guidance_url,
        event_title=event_title,
        label=label,
        nationality_name=nationality_name,
        office_name=app.config["OFFICE_NAME"],
        photos_by_event=photos_by_event,
        pwa_config_json=client_config_json,
        reporter_may_answer=workflow.reporter_may_answer,
        resident_essentials=resident_essentials,
        shown_messages=shown_messages,
    )
    app.jinja_env.filters["urlhost"] = urlhost

    @app.context_processor
    def per_request():
        return {
            "current_locale": str(get_locale()),
            "may_use": lambda endpoint: access.may_use(endpoint, current_user),
            # Called by the navigation for officials only: their village's reports awaiting an answer.
            "waiting_for_answer": lambda: village_waiting_for_answer(current_user.village_id),
        }
