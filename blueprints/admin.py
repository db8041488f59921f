"""Office admins manage villages, accounts and officers' village assignments."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice

from domain import Role
from extensions import db
from models import User
from models import Village
from services import accounts
from web.access import roles
from web.forms import BaseForm
from web.forms import max_length
from web.forms import optional
from web.forms import required
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.labels import ROLE_LABELS

bp = Blueprint("admin", __name__, url_prefix="/admin")


class VillageForm(BaseForm):
    name = StringField(_l("Village or kelurahan"), validators=[required(), max_length(120)])
    kecamatan = StringField(_l("Kecamatan"), validators=[required(), max_length(120)])
    kabupaten = StringField(_l("Regency or city"), validators=[required(), max_length(120)])
    province = StringField(_l("Province"), validators=[required(), max_length(120)])
    active = BooleanField(_l("Active"), default=True)


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(BaseForm):
    username = StringField(_l("Username"), validators=[required(), max_length(64)])
    full_name = StringField(_l("Full name"), validators=[required(), max_length(120)])
    phone = StringField(_l("Phone"), validators=[optional(), max_length(32)])
    email = EmailField(
        _l("E-mail"),
        validators=[optional(), max_length(254)],
        description=_l("Officers get an e-mail here for each urgent report from their villages."),
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in Role])
    village = SelectField(
        _l("Village (for a village official)"), coerce=int, validators=[optional()]
    )
    villages = CheckboxList(_l("Villages (for a PIMPASA officer)"), coerce=int)
    active = BooleanField(_l("Active: may log in"), default=True)


def _village_choices():
    villages = db.session.scalars(select(Village).order_by(Village.name)).all()
    return [SelectChoice(village.id, village.name) for village in villages]


@bp.route("/")
@roles(Role.ADMIN)
def index():
    """Villages and accounts at a glance."""
    villages = db.session.scalars(select(Village).order_by(Village.name)).all()
    users = db.session.scalars(
        select(User)
        .options(selectinload(User.villages), selectinload(User.village))
        .order_by(User.role, User.username)
    ).all()
    return render_template("admin/index.html", villages=villages, users=users)


@bp.route("/villages/new", methods=("GET", "POST"))
@bp.route("/villages/<int:village_id>", methods=("GET", "POST"))
@roles(Role.ADMIN)
def village(village_id=None):
    """Add a village, or edit one."""
    record = db.get_or_404(Village, village_id) if village_id else Village()
    form = VillageForm(obj=record)
    if form.validate_on_submit():
        if accounts.village_name_taken(form.name.data, record.id):
            form.name.errors.append(_("A village with this name already exists."))
        else:
            accounts.save_village(record, actor=current_user._get_current_object(), **{
                name: form[name].data for name in ("name", "kecamatan", "kabupaten", "province", "active")})
            flash(_("Village %(name)s saved.", name=record.name), "success")
            return redirect(url_for("admin.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/village.html", form=form, record=record), status


@bp.route("/users/new", methods=("GET", "POST"))
@bp.route("/users/<int:user_id>", methods=("GET", "POST"))
@roles(Role.ADMIN)
def user(user_id=None):
    """Create an account, or change one: role, villages, active flag. A new account gets a
    temporary password, shown once."""
    record = db.get_or_404(User, user_id) if user_id else User()
    form = UserForm(obj=record)
    form.village.choices = [SelectChoice(0, _("None")), *_village_choices()]
    form.villages.choices = _village_choices()
    if request.method == "GET":
        form.village.data = record.village_id or 0
        form.villages.data = [village.id for village in record.villages]
    if form.validate_on_submit() and _account_is_consistent(form, record):
        created = record.id is None
        password = accounts.temporary_password() if created else ""
        accounts.save_account(
            record, username=form.username.data, full_name=form.full_name.data,
            role=form.role.data, active=form.active.data, phone=form.phone.data,
            email=form.email.data, village_id=form.village.data,
            village_ids=form.villages.data or (), password=password, temporary=True,
            actor=current_user._get_current_object())
        if created:
            return render_template("admin/temporary_password.html", record=record, password=password,
                                   created=True)
        flash(_("Account %(username)s saved.", username=record.username), "success")
        return redirect(url_for("admin.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user.html", form=form, record=record), status


@bp.route("/users/<int:user_id>/password", methods=("POST",))
@roles(Role.ADMIN)
def reset_password(user_id):
    """A one-time temporary password for the account, shown on this answer only (never stored in
    clear, never in a flash message, which would ride in the cookie): the owner must change it at
    the next login, and every session of the account ends."""
    record = db.get_or_404(User, user_id)
    if record.id == current_user.id:  # they know their password: a reset would only lock them out
        flash(_("Change your own password here instead of resetting it."), "info")
        return redirect(url_for("auth.change_password"), 303)
    password = accounts.reset_password(record, current_user._get_current_object())
    return render_template("admin/temporary_password.html", record=record, password=password,
                           created=False)


@bp.route("/users/<int:user_id>/sessions", methods=("POST",))
@roles(Role.ADMIN)
def end_sessions(user_id):
    """Sign the account out everywhere: every session cookie of it stops working at once."""
    record = db.get_or_404(User, user_id)
    accounts.end_sessions(record, current_user._get_current_object())
    flash(_("Every session of %(username)s has ended.", username=record.username), "success")
    if record.id == current_user.id:  # their own: this session has ended too
        return redirect(url_for("main.index"), 303)
    return redirect(url_for("admin.user", user_id=record.id), 303)


def _account_is_consistent(form, record):
    """Rules a single field cannot check: unique name, villages fitting the role, no lock-out."""
    if accounts.username_taken(form.username.data, record.id):
        form.username.errors.append(_("This username is taken."))
    if form.email.data and "@" not in form.email.data:
        form.email.errors.append(_("Enter an e-mail address like name@example.org."))
    if form.role.data == Role.OFFICIAL and not form.village.data:
        form.village.errors.append(_("A village official belongs to one village."))
    if record.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
        form.role.errors.append(_("You cannot remove your own admin access."))
    return not any(
        field.errors for field in (form.username, form.email, form.village, form.role)
    )
