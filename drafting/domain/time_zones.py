"""Time zones: the one each user sees deadlines in, and the site's default for everyone else.

Moments are stored in UTC (drafting.domain.clock); a zone only changes how they are written and
which day a deadline given as a day ends on.
"""

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app

from drafting.domain.clock import utcnow
from drafting.models import User


class UnknownTimeZone(ValueError):
    """A name that is not a time zone of the IANA database."""


# The regions of the IANA names people look for their city under. The database's other names are
# old aliases ("Japan", "US/Eastern"), rules rather than places ("EST5EDT"), or this server's own ("localtime").
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@cache
def known_zones() -> tuple[str, ...]:
    """Return the names of the time zones a user may choose, sorted: "Africa/Abidjan" ... "Pacific/Wallis", "UTC"."""
    return tuple(sorted(name for name in available_timezones() if name.partition("/")[0] in REGIONS or name == "UTC"))


def zone_named(name: str) -> ZoneInfo:
    """Return the time zone of an IANA name; raise UnknownTimeZone, with a message for the user, if there is none."""
    if name not in known_zones():
        raise UnknownTimeZone(f"“{name}” is not a time zone we know: choose one from the list, such as Asia/Tokyo or Europe/Paris.")
    return ZoneInfo(name)


def site_default() -> ZoneInfo:
    """Return the zone of DEFAULT_TIME_ZONE, for visitors and users who have not chosen theirs."""
    return zone_named(current_app.config["DEFAULT_TIME_ZONE"])


def zone_of(person: object) -> ZoneInfo:
    """Return the zone a person sees moments in: a user's own choice, else the site's default (an invitation's too)."""
    name = getattr(person, "time_zone", None)
    return ZoneInfo(name) if name else site_default()


def choose(user: User, name: str) -> None:
    """Set the zone a user sees deadlines in; refuse an unknown name with UnknownTimeZone, changing nothing."""
    zone_named(name)
    user.time_zone = name


def today_in(zone: ZoneInfo, now: datetime | None = None) -> date:
    """Return the date it is in a zone."""
    return (now or utcnow()).astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Return the moment a day ends in a zone (the next midnight there), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))
