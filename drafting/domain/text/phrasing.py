"""English forms of dates, date ranges, ordinals and lists, as printed in declarations."""

from datetime import date


def format_date(day: date) -> str:
    """Write a date as declarations do: "November 9, 2010"."""
    return f"{day:%B} {day.day}, {day.year}"


def format_date_range(first: date, last: date) -> str:
    """Write a meeting's dates: "November 8 to 9, 2010", or a single date when they are equal."""
    if first == last:
        return format_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B} {first.day} to {last.day}, {last.year}"
    if first.year == last.year:
        return f"{first:%B} {first.day} to {last:%B} {last.day}, {last.year}"
    return f"{format_date(first)} to {format_date(last)}"


def ordinal(number: int) -> str:
    """Write 1 as "1st", 2 as "2nd", 13 as "13th", 22 as "22nd"."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def join_names(names: list[str]) -> str:
    """Join names as a sentence does: "A", "A and B", "A, B, and C"."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]
