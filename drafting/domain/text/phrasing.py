"""Dates, date ranges, ordinals and lists as declarations print them, in a declaration's language.

CLDR (through Babel) gives each language's forms; the few words it has no form for (the word
between a meeting's two dates, the ordinal's suffixes) are messages of drafting/translations.
Without a language, everything is English, as the application's own pages write it.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as cldr_date
from babel.dates import format_time, get_timezone_name, parse_pattern
from babel.lists import format_list
from babel.numbers import format_decimal

from drafting.domain.text import wording

# CLDR's interval pattern that names the month, to be widened to the month's full name as
# declarations spell it ("November 8 to 9, 2010"); languages that write months as numbers keep them.
RANGE_SKELETON = "yMMMd"


def format_date(day: date, language: str = "en") -> str:
    """Write a date as declarations do: "November 9, 2010", 2010年11月9日."""
    return cldr_date(day, format="long", locale=wording.locale_of(language))


def format_moment(moment: datetime, zone: ZoneInfo, language: str = "en") -> str:
    """Write a moment in a reader's zone, naming it: "23:59 on November 20, 2026, Japan Standard Time
    (UTC+9)"; 2026年11月20日 23:59（日本標準時、UTC+9）."""
    local = moment.astimezone(zone)
    locale = wording.locale_of(language)
    return wording.pgettext(
        language, "a moment: its time, its day, the reader's time zone and its offset from UTC",
        "{time} on {date}, {zone} ({offset})",
        time=format_time(local, "HH:mm", locale=locale), date=format_date(local.date(), language),
        zone=zone_name(local, language), offset=utc_offset(local),
    )


def format_deadline(moment: datetime, zone: ZoneInfo, language: str = "en") -> str:
    """Write when a deadline closes, in a reader's zone, as format_moment does, at its last minute still
    open: a deadline that closes at midnight reads "23:59" of the day the host gave."""
    return format_moment(moment - timedelta(minutes=1), zone, language)


def zone_name(moment: datetime, language: str = "en") -> str:
    """Return the name of an aware moment's time zone at that moment: "Japan Standard Time", "Central European Summer Time"."""
    return get_timezone_name(moment, width="long", locale=wording.locale_of(language))


def utc_offset(moment: datetime) -> str:
    """Write an aware moment's offset from UTC as people read it: "UTC", "UTC+9", "UTC+5:30", "UTC-4"."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def format_date_range(first: date, last: date, language: str = "en") -> str:
    """Write a meeting's dates: "November 8 to 9, 2010", 2010年11月8日～9日, or a single date when they are equal."""
    if first == last:
        return format_date(first, language)
    locale = wording.locale_of(language)
    greatest_difference = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    start_pattern, end_pattern = locale.interval_formats[RANGE_SKELETON][greatest_difference]
    start = parse_pattern(_full_months(start_pattern)).apply(first, locale)
    end = parse_pattern(_full_months(end_pattern)).apply(last, locale)
    # CLDR ends the start's pattern with its own dash; declarations say "to" (or the language's word).
    separator = locale.interval_formats[None].replace("{0}", "").replace("{1}", "")
    stripped = start.rstrip().removesuffix(separator.strip()).rstrip()
    if stripped == start.rstrip():
        return start + end
    return stripped + wording.pgettext(language, "between the two dates of a meeting", " to ") + end


def _full_months(pattern: str) -> str:
    return pattern.replace("MMMM", "MMM").replace("MMM", "MMMM")


def ordinal(number: int, language: str = "en") -> str:
    """Write a meeting's number as an ordinal: 1st, 2nd, 13th, 22nd; 第9回 in Japanese.

    CLDR says which ordinal form a number takes in the language; the catalog gives that form's words.
    """
    forms = {
        "zero": wording.pgettext(language, "ordinal, CLDR form zero", "{number}th", number=number),
        "one": wording.pgettext(language, "ordinal, CLDR form one", "{number}st", number=number),
        "two": wording.pgettext(language, "ordinal, CLDR form two", "{number}nd", number=number),
        "few": wording.pgettext(language, "ordinal, CLDR form few", "{number}rd", number=number),
        "many": wording.pgettext(language, "ordinal, CLDR form many", "{number}th", number=number),
        "other": wording.pgettext(language, "ordinal, CLDR form other", "{number}th", number=number),
    }
    return forms[wording.locale_of(language).ordinal_form(number)]


def join_names(names: list[str], language: str = "en") -> str:
    """Join names as a sentence does: "A", "A and B", "A, B, and C"; A、B、C in Japanese."""
    if not names:
        return ""
    return format_list(names, style="standard", locale=wording.locale_of(language))


def format_number(number: int, language: str = "en") -> str:
    """Write a count as the language groups its digits: 1,234."""
    return format_decimal(number, locale=wording.locale_of(language))
