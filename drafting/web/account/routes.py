"""The signed-in user's settings: how they hear, as a host drafter, of comments, amendments and replies."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from drafting.domain import host_news
from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import HostNotifications, UserRole
from drafting.web.account.forms import SettingsForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Show the user's settings and save them."""
    # A posted form is read as posted: a choice left out is refused, not taken from the account.
    shown = {"host_notifications": current_user.host_notifications.value}
    form = SettingsForm(data=None if request.method == "POST" else shown)
    # Only drafters ever host a declaration's drafting; nobody else has news to hear of.
    if current_user.role is not UserRole.drafter:
        del form.host_notifications
    if not form.validate_on_submit():
        return render_template("account/settings.html", form=form), 422 if form.is_submitted() else 200
    if "host_notifications" in form:
        host_news.choose(current_user, HostNotifications(form.host_notifications.data), utcnow())
    db.session.commit()
    flash("Your settings are saved.")
    return redirect(url_for("account.settings"))
