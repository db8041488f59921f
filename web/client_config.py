"""What the page scripts need on every page (URLs, the signed-in user and their translated
words), as a JSON island in the page shell: the scripts carry no text of their own."""

from flask import current_app
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps

from web.caching import OFFLINE_FORMS
from web.caching import OUTBOX_ONLY_FORMS
from web.caching import remembered
from web.i18n import gettext as _
from web.i18n import ngettext


def existing_urls(endpoints):
    """URLs of the endpoints that are registered, in order."""
    views = current_app.view_functions
    return [url_for(endpoint) for endpoint in endpoints if endpoint in views]


def client_config():
    """What the page scripts need: URLs, the signed-in user, and their translated words."""
    user = current_user.username if current_user.is_authenticated else None
    return {
        # The forms whose submissions wait on the phone when they cannot be sent.
        "outboxForms": existing_urls((*OFFLINE_FORMS, *OUTBOX_ONLY_FORMS)),
        # Submitting these changes whose name or which language the kept pages would show.
        "sessionForms": existing_urls(("auth.login", "auth.logout", "main.set_language")),
        "outboxUrl": url_for("pwa.outbox"),
        "csrfUrl": url_for("pwa.csrf_token"),
        "loginUrl": url_for("auth.login"),
        "logoutUrl": url_for("auth.logout"),
        "workerUrl": url_for("pwa.service_worker"),
        "user": user,
        # Whom and in which language the worker's offline and outbox pages should be for.
        "shellKey": f"{user or ''}|{get_locale()}",
        "text": {
            "saved": _("Saved on this phone. It will be sent automatically when there is signal."),
            # The page script puts the number in place of {count}.
            "waitingOne": ngettext(
                "%(count)s report waiting", "%(count)s reports waiting", 1, count="{count}"
            ),
            "waitingMany": ngettext(
                "%(count)s report waiting", "%(count)s reports waiting", 2, count="{count}"
            ),
            "sent": _("Reports from this phone were sent: %(count)s.", count="{count}"),
            "seeAnswers": _("See the office's answers"),
            "logInToSend": _("Log in to send the reports waiting on this phone."),
            "logoutWarning": _(
                "Reports are still waiting on this phone to be sent. They are sent only after you "
                "log in again. Log out anyway?"
            ),
            "updateReady": _("A new version is ready."),
            "reload": _("Reload"),
            "iosInstall": _(
                "To install this app: tap the Share button, then “Add to Home Screen”."
            ),
            "dismiss": _("Close"),
        },
    }


def client_config_json():
    """client_config() as JSON for the page; the same for every page of one user, language and
    mount point, so made once for each."""
    user = current_user.username if current_user.is_authenticated else None
    return remembered("client config", (user, str(get_locale()), request.script_root),
                      lambda: htmlsafe_json_dumps(client_config(), dumps=current_app.json.dumps))
