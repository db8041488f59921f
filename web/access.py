"""Who may use each route. Every view declares its rule once with one of these decorators;
a hook refuses any request whose view declares nothing (tests/test_permissions.py walks them)."""

from flask import abort
from flask import current_app
from flask import request
from flask_login import current_user

from domain import Role
from extensions import login_manager

ANYONE = "anyone"
# Flask's own view for static files, which no decorator of ours reaches.
PUBLIC_ENDPOINTS = frozenset({"static"})


def public(view):
    """Anyone, signed in or not, may use this route."""
    view.access = ANYONE
    return view


def roles(*allowed):
    """Only signed-in users with one of these roles may use this route."""

    def declare(view):
        view.access = frozenset(Role(role) for role in allowed)
        return view

    return declare


signed_in = roles(*Role)


def rule_for(endpoint):
    """The declared rule of an endpoint: ANYONE, a set of roles, or None when undeclared."""
    if endpoint in PUBLIC_ENDPOINTS:
        return ANYONE
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def may_use(endpoint, user):
    """Whether `user` (possibly anonymous) passes the endpoint's declared rule."""
    rule = rule_for(endpoint)
    if rule == ANYONE:
        return True
    if rule is None or not user.is_authenticated:
        return False
    return user.role in rule


def enforce_access():
    """Before every request: apply the view's declared rule, failing closed."""
    if request.endpoint is None:
        return None  # routing already failed: 404 or 405 follows
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(403)
    if rule == ANYONE:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in rule:
        abort(403)
    return None
