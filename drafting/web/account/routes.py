"""The signed-in user's own settings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from drafting.domain import time_zones
from drafting.extensions import db
from drafting.web.account.forms import SettingsForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Show and save the user's settings: the time zone of the deadlines they see and are e-mailed."""
    user = current_user._get_current_object()
    form = SettingsForm(time_zone=time_zones.zone_of(user).key)
    if not form.validate_on_submit():
        return render_template("account/settings.html", form=form), 422 if request.method == "POST" else 200
    time_zones.choose(user, form.time_zone.data)
    db.session.commit()
    flash(f"Your settings are saved: deadlines are shown to you in {user.time_zone}.")
    return redirect(url_for("account.settings"))
