"""The signed-in user's own settings: the time zone of the deadlines they see and, as a host drafter,
how they hear of comments, amendments and replies."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from drafting.domain import host_news, time_zones
from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import HostNotifications, UserRole
from drafting.web.account.forms import SettingsForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Show the user's settings and save them."""
    user = current_user._get_current_object()
    # A posted form is read as posted: a choice left out is refused, not taken from the account.
    shown = {"time_zone": time_zones.zone_of(user).key, "host_notifications": user.host_notifications.value}
    form = SettingsForm(data=None if request.method == "POST" else shown)
    # Only drafters ever host a declaration's drafting; nobody else has news to hear of.
    if user.role is not UserRole.drafter:
        del form.host_notifications
    if not form.validate_on_submit():
        return render_template("account/settings.html", form=form), 422 if form.is_submitted() else 200
    time_zones.choose(user, form.time_zone.data)
    if "host_notifications" in form:
        host_news.choose(user, HostNotifications(form.host_notifications.data), utcnow())
    db.session.commit()
    flash(f"Your settings are saved. Deadlines are shown to you in {user.time_zone}.")
    return redirect(url_for("account.settings"))
