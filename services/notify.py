"""E-mail to a village's officers for each urgent report, when MAIL_SERVER is set.

Listens to the database session (init_app), so every way a report is saved (official's form,
resident's tip, outbox resend) is covered without the reporting code calling us. The mail goes out after
the commit, from a background thread: a slow or broken mail server never delays or undoes the
saving of a report; failures are logged without personal data. Its link starts with the configured
PUBLIC_URL, never with the Host a request claims (a forged Host would send officers elsewhere);
without PUBLIC_URL the mail has no link."""

import logging
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app
from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain import Urgency
from extensions import db
from models import Report
from models import Village
from web.i18n import gettext as _
from web.labels import label

log = logging.getLogger(__name__)
PENDING = "urgent_reports_to_announce"
SMTP_TIMEOUT = 10


def init_app(_app):
    """Listen to the app's database session. The listeners belong to Flask-SQLAlchemy's session
    class, shared by every app of the process, so they are added once; each reads its own app's
    settings when it runs."""
    for name, listener in (("after_flush", _remember_new_urgent_reports),
                           ("after_rollback", _forget_on_rollback),
                           ("after_commit", _announce_after_commit)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def _remember_new_urgent_reports(session, _flush_context):
    for instance in session.new:
        if isinstance(instance, Report) and instance.urgency == Urgency.URGENT:
            session.info.setdefault(PENDING, set()).add(instance.id)


def _forget_on_rollback(session):
    session.info.pop(PENDING, None)


def _announce_after_commit(session):
    report_ids = session.info.pop(PENDING, None)
    if not report_ids or not has_app_context() or not current_app.config.get("MAIL_SERVER"):
        return
    app = current_app._get_current_object()
    links = {rid: public_link(app, "review.detail", report_id=rid) for rid in report_ids}
    arguments = (app, sorted(report_ids), links)
    if app.config["MAIL_IN_BACKGROUND"]:
        threading.Thread(target=send_urgent_notices, args=arguments, daemon=True).start()
    else:  # the tests: sent before the commit returns, so "nothing was sent" needs no waiting
        send_urgent_notices(*arguments)


def public_link(app, endpoint, **values):
    """The address of a page as PUBLIC_URL names the site, whatever request is running; None
    without PUBLIC_URL."""
    base = app.config["PUBLIC_URL"]
    if not base:
        return None
    return base.rstrip("/") + app.url_map.bind("public.invalid").build(endpoint, values)


def send_urgent_notices(app, report_ids, links):
    """Send one message per urgent report to each active officer of its village with an e-mail."""
    with app.app_context():
        try:
            reports = db.session.scalars(
                select(Report)
                .where(Report.id.in_(report_ids))
                .options(joinedload(Report.village).selectinload(Village.officers))
            ).unique()
            messages = [
                _message(app, report, officer, links.get(report.id))
                for report in reports
                for officer in report.village.officers
                if officer.active and officer.email
            ]
            if messages:
                send_messages(app, messages)
        except Exception as error:  # noqa: BLE001 - a background thread must log, never raise
            log.warning("urgent report e-mail not sent (%s: %s)", type(error).__name__, error)
        finally:
            db.session.remove()


def officer_message(app, officer, write):
    """An e-mail to `officer` in their language: `write()`, called in that language, gives the
    subject and the lines of the body."""
    with force_locale(officer.locale or app.config["BABEL_DEFAULT_LOCALE"]):
        subject, lines = write()
        message = EmailMessage()
        message["Subject"] = subject
        message.set_content("\n".join(lines) + "\n")
    message["From"] = app.config["MAIL_SENDER"]
    message["To"] = officer.email
    return message


def _message(app, report, officer, link):
    """The notice of an urgent report: what, where, and the link; no names of persons."""
    def write():
        lines = [
            _("An urgent report has arrived from %(village)s.", village=report.village.name),
            _("Reference code: %(code)s", code=report.code),
            _("Category: %(category)s", category=label("category", report.category)),
        ]
        if link:
            lines.append(_("Open it in the review queue: %(link)s", link=link))
        return _("Urgent report %(code)s from %(village)s", code=report.code,
                 village=report.village.name), lines

    return officer_message(app, officer, write)


def send_messages(app, messages):
    """Send prepared messages through MAIL_SERVER in one connection."""
    with smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"],
                      timeout=SMTP_TIMEOUT) as smtp:
        for message in messages:
            smtp.send_message(message)
