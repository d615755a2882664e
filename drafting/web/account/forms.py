"""The signed-in user's own settings."""

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from drafting.models import HostNotifications

HOST_NOTIFICATION_CHOICES = [
    SelectChoice(HostNotifications.each.value, "An e-mail for each comment, amendment and reply"),
    SelectChoice(HostNotifications.daily_digest.value, "One daily digest of them"),
    SelectChoice(HostNotifications.none.value, "No e-mail: I look at the desk of comments"),
]


class SettingsForm(FlaskForm):
    # AnyOf rather than RadioField's own check, whose "Not a valid choice" does not say what to choose.
    host_notifications = RadioField(
        "When the invited organizations comment, propose amendments or reply on a declaration you host",
        choices=HOST_NOTIFICATION_CHOICES, validate_choice=False,
        validators=[AnyOf([choice.value for choice in HOST_NOTIFICATION_CHOICES],
                          message="Choose an e-mail for each, one daily digest, or no e-mail.")],
    )
