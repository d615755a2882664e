"""Messages that confirm or refuse a change, printed where the page lands.

A save sends the browser back to the section it changed (the address's fragment), often far down
the page, where a message at the top would be out of sight. So the message is flashed for that
section: the page prints it inside the section (`notices_at` in templates), and at the top only
the messages that no section of the page took.
"""

from typing import NamedTuple

from flask import flash, g, get_flashed_messages, redirect, session, url_for

# Flask keeps a flashed message with its category only: the section each message is for is kept
# beside them, by message, and read with them.
SECTIONS = "_flash_sections"


class Notice(NamedTuple):
    category: str
    message: str
    section: str

    @property
    def role(self) -> str:
        """Return the ARIA role that makes assistive technology read it: an error interrupts, the rest waits."""
        return "alert" if self.category == "error" else "status"


def redirect_to_section(message: str, section: str, endpoint: str, category: str = "message", **values):
    """Flash a message for the section with this id, and redirect to that section of the page."""
    flash(message, category)
    session.setdefault(SECTIONS, {})[message] = section
    session.modified = True
    return redirect(url_for(endpoint, _anchor=section, **values))


def _pending() -> list[Notice]:
    # Flashed messages are read once per request; those printed so far leave the list.
    if "notices" not in g:
        flashed = get_flashed_messages(with_categories=True)
        sections = session.pop(SECTIONS, {}) if flashed else {}
        g.notices = [Notice(category, message, sections.get(message, "")) for category, message in flashed]
    return g.notices


def notices_at(section: str) -> list[Notice]:
    """Return the messages flashed for the section with this id, once: a page prints them in that section."""
    pending = _pending()
    here = [notice for notice in pending if notice.section == section]
    g.notices = [notice for notice in pending if notice.section != section]
    return here


def notices_left() -> list[Notice]:
    """Return the messages no section printed, once: the page prints them at its top."""
    left = _pending()
    g.notices = []
    return left
