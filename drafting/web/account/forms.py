"""Forms of the signed-in user's own settings."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from drafting.domain import time_zones
from drafting.domain.clock import utcnow
from drafting.domain.text import phrasing
from drafting.models import HostNotifications

HOST_NOTIFICATION_CHOICES = [
    SelectChoice(HostNotifications.each.value, "An e-mail for each comment, amendment and reply"),
    SelectChoice(HostNotifications.daily_digest.value, "One daily digest of them"),
    SelectChoice(HostNotifications.none.value, "No e-mail: I look at the desk of comments"),
]


def time_zone_choices() -> dict[str, list[tuple[str, str]]]:
    """Return every zone a user may choose, grouped by region, labelled by place with its offset as it is
    today: {"Asia": [("Asia/Tokyo", "Tokyo (UTC+9)"), ...], ..., "UTC": [("UTC", "UTC")]}."""
    now = utcnow()
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in time_zones.known_zones():
        region, _, place = name.partition("/")
        offset = phrasing.utc_offset(now.astimezone(time_zones.zone_named(name)))
        label = f"{place.replace('_', ' ')} ({offset})" if place else name
        groups.setdefault(region, []).append((name, label))
    return groups


class SettingsForm(FlaskForm):
    # Checked by validate_time_zone, with a message that says what to do, not WTForms' "Not a valid choice".
    time_zone = SelectField("Time zone of the deadlines you see and are e-mailed", choices=time_zone_choices,
                            validate_choice=False)
    # AnyOf rather than RadioField's own check, whose "Not a valid choice" does not say what to choose.
    host_notifications = RadioField(
        "When the invited organizations comment, propose amendments or reply on a declaration you host",
        choices=HOST_NOTIFICATION_CHOICES, validate_choice=False,
        validators=[AnyOf([choice.value for choice in HOST_NOTIFICATION_CHOICES],
                          message="Choose an e-mail for each, one daily digest, or no e-mail.")],
    )

    def validate_time_zone(self, field) -> None:
        try:
            time_zones.zone_named(field.data or "")
        except time_zones.UnknownTimeZone as unknown:
            raise ValidationError(str(unknown)) from unknown
