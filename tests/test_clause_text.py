"""The small markup of clause text: what it renders, and that nothing outside its allow-list gets through."""

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.domain.text import markup as clause_text

ALLOWED_TAGS = {"p", "ul", "li", "em"}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def collect(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector


def test_paragraphs_lists_and_emphasis():
    html = clause_text.to_html("We *will* act.\n\n- share data\n- train staff\n  together\nThen report.")
    assert html == ("<p>We <em>will</em> act.</p><ul><li>share data</li><li>train staff together</li></ul>"
                    "<p>Then report.</p>")


def test_line_endings_and_trailing_spaces_are_normalized():
    assert clause_text.paragraphs("One.  \r\n\r\n\r\nTwo.\rStill two.  ") == ["One.", "Two.\nStill two."]


def test_markup_typed_by_a_user_is_text():
    html = clause_text.to_html('<script>alert(1)</script> <img src="file:///etc/passwd"> <a href="x">link</a>')
    assert collect(html).tags == [("p", [])]
    assert "&lt;script&gt;" in html and "&lt;img" in html


HOSTILE = st.sampled_from([
    "<", ">", "&", '"', "'", "*", "-", " ", "\n", "\n\n", "<script>", "</p>", "<em>", "<img src=x onerror=alert(1)>",
    "javascript:", "&lt;", "&#60;", "<!--", "-->", "<![CDATA[", "\u0000", "\u2028", "*<b>*", "- <li>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(HOSTILE | st.text(max_size=5), max_size=30).map("".join))
def test_no_tag_or_attribute_outside_the_allow_list_ever_gets_through(text):
    collector = collect(str(clause_text.to_html(text)))
    for tag, attributes in collector.tags:
        # The one attribute: the class that keeps a hyphenated compound on one line.
        assert (tag in ALLOWED_TAGS and attributes == []) or (tag, attributes) == ("span", [("class", "compound")])


def test_a_hyphenated_compound_is_kept_whole():
    html = str(clause_text.to_html("A *low-carbon* and government-to-government plan, well - made."))
    assert '<em><span class="compound">low-carbon</span></em>' in html
    assert '<span class="compound">government-to-government</span> plan, well - made.' in html


def visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*-")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_the_words_survive_rendering(text):
    # Whatever is typed comes out as text: only the markup characters and white space may change.
    rendered = "".join(collect(str(clause_text.to_html(text))).text)
    assert visible(rendered) == visible(clause_text.normalize(text))
