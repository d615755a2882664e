"""The small safe markup of clause bodies and preambles.

Text is plain paragraphs separated by blank lines. Inside a paragraph, lines starting with
"- " form a bulleted list and *words between asterisks* are emphasised. Nothing else is markup:
every character the user typed is escaped before the few tags we produce are added. Words joined
by hyphens are marked as compounds, which the PDF never breaks at their hyphens.
"""

import re

from markupsafe import Markup, escape

EMPHASIS = re.compile(r"\*(\S(?:[^*\n]*\S)?)\*")
# A word joined by hyphens ("low-carbon"): kept on one line, since a text extractor joins the halves
# of a word broken after its hyphen and drops the hyphen ("lowcarbon").
COMPOUND = re.compile(r"(?<![\w-])(\w+(?:-\w+)+)(?![\w-])")
BULLET = re.compile(r"^\s*-\s+")


def normalize(text: str) -> str:
    """Return text with \\n line endings, no trailing spaces and no blank lines at either end."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def paragraphs(text: str) -> list[str]:
    """Split text into its paragraphs (separated by one or more blank lines)."""
    return [block for block in re.split(r"\n\s*\n", normalize(text)) if block.strip()]


def _inline(text: str) -> Markup:
    # Safe: the text is escaped first; the only tags are the <em> and <span class="compound"> we add
    # around escaped words.
    emphasised = EMPHASIS.sub(r"<em>\1</em>", str(escape(text)))
    return Markup(COMPOUND.sub(r'<span class="compound">\1</span>', emphasised))  # nosec B704


def paragraph_html(paragraph: str) -> Markup:
    """Render one paragraph: a <p>, or a <ul> for a block of "- " lines, or both in order."""
    parts: list[str] = []
    text_lines: list[str] = []
    items: list[str] = []

    def flush_text() -> None:
        if text_lines:
            parts.append(f"<p>{_inline(' '.join(line.strip() for line in text_lines))}</p>")
            text_lines.clear()

    def flush_items() -> None:
        if items:
            parts.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items.clear()

    for line in paragraph.split("\n"):
        if BULLET.match(line):
            flush_text()
            items.append(BULLET.sub("", line).strip())
        elif items and line.startswith("  "):
            items[-1] += " " + line.strip()
        else:
            flush_items()
            text_lines.append(line)
    flush_text()
    flush_items()
    # Safe: every part is one of our tags around text that _inline escaped.
    return Markup("".join(parts))  # nosec B704


def to_html(text: str) -> Markup:
    """Render a whole body: each paragraph in turn."""
    return Markup("").join(paragraph_html(paragraph) for paragraph in paragraphs(text))
