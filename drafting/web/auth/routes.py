"""Signing in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from drafting.domain.clock import utcnow
from drafting.domain.people import accounts, sign_ins
from drafting.domain.people.accounts import authenticate
from drafting.extensions import db, limiter, login_manager
from drafting.models import User
from drafting.rendering import notifications, outbox
from drafting.web import security
from drafting.web.auth.forms import ChangePasswordForm, EmptyForm, ForgotPasswordForm, LoginForm, NewPasswordForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."


@login_manager.user_loader
def load_user(token: str) -> User | None:
    # The cookie names a sign-in (drafting.domain.people.sign_ins): one that ended, idled or aged out, or whose
    # account was deactivated, signs the cookie out, and every copy of it.
    sign_in = sign_ins.resume(token, utcnow())
    if sign_in is None:
        return None
    if sign_in in db.session.dirty:
        db.session.commit()  # the activity noted; load_signed_in_user made sure nothing else is pending
    return sign_in.user


@bp.before_app_request
def load_signed_in_user() -> None:
    """Load the signed-in user before any view runs, so that noting the session's activity commits nothing else."""
    if request.endpoint not in security.WHOEVER_ASKS:
        current_user._get_current_object()


def begin_session(user: User) -> None:
    """Begin a session of the user on the server and in this browser's cookie; the caller commits."""
    sign_ins.begin(user, utcnow())
    login_user(user)


def end_session() -> None:
    """End this browser's session on the server, if it has one, and in its cookie; the caller commits."""
    if current_user.is_authenticated:
        sign_ins.end(current_user.sign_in, utcnow())
    logout_user()


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the home page: never send a user elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def _password_reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a user in; failures count against the e-mail address and the client's address (drafting.domain.people.sign_ins)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, utcnow(), request.remote_addr)
        except sign_ins.TooManyFailuresFromAddress as refusal:
            form.password.errors.append(
                f"Too many failed sign-ins from your address: try again in {refusal.minutes} minutes."
            )
            status = 429
        except sign_ins.TooManyFailures as refusal:
            form.password.errors.append(
                f"Too many failed sign-ins with this e-mail address: try again in {refusal.minutes} minutes, "
                "or choose a new password through the link below."
            )
            status = 429
        else:
            if user is not None:
                begin_session(user)
                db.session.commit()
                return redirect(safe_next(form.next.data))
            db.session.commit()  # the failure counts against the address
            form.password.errors.append("The e-mail address or the password is not right.")
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign the current user out, ending the session on the server."""
    if EmptyForm().validate_on_submit():
        end_session()
        db.session.commit()
        flash("You are signed out.")
    return redirect(url_for("main.home"))


@bp.route("/password/forgotten", methods=["GET", "POST"])
@limiter.limit(_password_reset_limit, methods=["POST"])
def forgot_password():
    """Send a single-use link to choose a new password; say the same whether the account exists or not.

    Whether the account exists is looked up only once the answer is finished: the answer takes
    the same time either way.
    """
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = form.email.data
        outbox.after_response(lambda: _send_reset_link(address))
        flash("If an account has this address, a link to choose a new password is on its way. It works once, "
              "for two hours.")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


def _send_reset_link(address: str) -> None:
    """Make the account's new reset link, if an active account has this address, and queue its e-mail."""
    made = accounts.request_password_reset(address, utcnow())
    if made is not None:
        reset, token = made
        notifications.notify([reset.user], "Choose a new password", "password_reset",
                             link=url_for("auth.reset_password", token=token, _external=True),
                             expires_at=reset.expires_at)
    db.session.commit()


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a reset link; every session of the account ends."""
    try:
        reset = accounts.find_password_reset(token, utcnow(), lock=request.method == "POST")
    except accounts.ResetLinkError as error:
        return render_template("auth/reset_link.html", kind=error.kind), 404 if error.kind == "invalid" else 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(reset, form.password.data, utcnow())
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
        else:
            # The browser may be signed in as someone else (a shared computer): that session ends too.
            end_session()
            db.session.commit()
            flash("Your password is changed. Sign in with it.")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's password; every session of the account ends, and this browser goes on under a new one."""
    form = ChangePasswordForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except sign_ins.TooManyFailures as refusal:
            form.current_password.errors.append(
                f"Too many wrong passwords for this account: try again in {refusal.minutes} minutes."
            )
            status = 429
        except accounts.AccountError as error:
            form[error.field if error.field in form else "password"].errors.append(str(error))
            db.session.commit()  # a wrong current password counts against the account; nothing else changed
        else:
            # Every session ended, this one too: a copy of this browser's cookie is worth nothing.
            # The browser goes on under a new one.
            begin_session(current_user._get_current_object())
            db.session.commit()
            flash("Your password is changed. Your other sessions are signed out.")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), status
