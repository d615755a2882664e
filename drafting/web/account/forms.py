"""Forms of the signed-in user's own settings."""

from flask_wtf import FlaskForm
from wtforms import SelectField, ValidationError

from drafting.domain import time_zones
from drafting.domain.clock import utcnow
from drafting.domain.text import phrasing


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

    def validate_time_zone(self, field) -> None:
        try:
            time_zones.zone_named(field.data or "")
        except time_zones.UnknownTimeZone as unknown:
            raise ValidationError(str(unknown)) from unknown
