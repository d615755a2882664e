"""Pages of the long lists (the archive, the API's list, the platform's audit trail): the page asked for, and
the parameters a list takes."""

from werkzeug.datastructures import MultiDict

# Pages beyond this many digits exist in no archive; refusing them keeps the offset within any integer.
_MOST_DIGITS = 9


class PageRefused(Exception):
    """A request for a list that names a parameter it does not take, or a page that is not there."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def requested_page(args: MultiDict, takes: tuple[str, ...], what: str) -> int:
    """Return the page number asked for (1 by default), refusing with 400 any parameter `what` does not take
    and a page that is not a whole number from 1."""
    unknown = sorted(set(args) - set(takes))
    if unknown:
        names = ", ".join(f"“{name}”" for name in unknown)
        raise PageRefused(
            f"Unknown parameter{'s' if len(unknown) > 1 else ''} {names}: {what} takes {_listed(takes)}.", 400
        )
    given = args.get("page", "1")
    if not (given.isascii() and given.isdigit()) or int(given) < 1:
        raise PageRefused(f"The page must be a whole number from 1, not “{given}”.", 400)
    if len(given.lstrip("0")) > _MOST_DIGITS:
        raise PageRefused(f"There is no page {given}.", 404)
    return int(given)


def missing_page(number: int, pages: int) -> PageRefused:
    """Return the refusal of a page beyond the last one, naming how many there are."""
    return PageRefused(f"There is no page {number}: the list has {pages} page{'s' if pages > 1 else ''}.", 404)


def _listed(names: tuple[str, ...]) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
