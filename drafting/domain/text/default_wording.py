"""Words the application writes itself into a document where the host has written none.

The default phrases of the opening, the dates and the closing formula are written in
drafting.domain.text.composed_document; the ones here are the defaults of the parts that had no
phrase of their own before the host could rewrite every part. Keep every such word here, so
that the declaration's language can reach all of them.
"""

# The heading of the list of participants in the listed-by-country layout.
LIST_HEADING = "Participating cities and organizations"


def header(acronym: str, year: int) -> str:
    """Write the document's default header: the meeting's acronym and the year, "ANMC21 2010"."""
    return f"{acronym} {year}"
