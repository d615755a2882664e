"""Signing in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from drafting.accounts import authenticate
from drafting.auth.forms import EmptyForm, LoginForm
from drafting.extensions import db, login_manager
from drafting.models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # A deactivated account is signed out at its next request, not only at its next login.
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the home page: never send a user elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("The e-mail address or the password is not right.")
        else:
            login_user(user)
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form), 422 if request.method == "POST" else 200


@bp.post("/logout")
@login_required
def logout():
    """Sign the current user out."""
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are signed out.")
    return redirect(url_for("main.home"))
