"""Forms of the signed-in user's own settings."""

from flask_wtf import FlaskForm
from wtforms import SelectField, ValidationError

from drafting.domain import time_zones
from drafting.domain.clock import utcnow
from drafting.domain.text import phrasing


def time_zone_choices() -> list[tuple[str, str]]:
    """Return every zone a user may choose as (name, "Asia/Tokyo (UTC+9)"), its offset as it is today; UTC as itself."""
    now = utcnow()
    offsets = {name: phrasing.utc_offset(now.astimezone(time_zones.zone_named(name))) for name in time_zones.known_zones()}
    return [(name, name if offset == name else f"{name} ({offset})") for name, offset in offsets.items()]


class SettingsForm(FlaskForm):
    # Checked by validate_time_zone, with a message that says what to do, not WTForms' "Not a valid choice".
    time_zone = SelectField("Time zone of the deadlines you see and are e-mailed", choices=time_zone_choices,
                            validate_choice=False)

    def validate_time_zone(self, field) -> None:
        try:
            time_zones.zone_named(field.data or "")
        except time_zones.UnknownTimeZone as unknown:
            raise ValidationError(str(unknown)) from unknown
