"""The archive and the API's list a page at a time: stable order, links between pages, refused parameters,
a ranked full-text search whose words are highlighted, and as many queries whatever the archive holds."""

import re
from datetime import datetime, timedelta, timezone

import pytest

from drafting.domain.archive_search import PAGE_SIZE
from drafting.extensions import db
from drafting.rendering import stored_pdfs
# The fixtures adopt and unpublished are shared with the archive's tests.
from tests.test_archive import adopt, unpublished  # noqa: F401

START = datetime(2010, 1, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def adopt_many(adopt, monkeypatch):
    """Adopt `count` declarations titled "Declaration 1" ... adopted a day apart, the highest number newest.

    Their final PDFs are not made: nothing here reads them, and making them took a second each.
    """

    def adopt_many(count, start=1, **fields):
        monkeypatch.setattr(stored_pdfs, "store_adopted", lambda declaration: None)
        return [
            adopt(title=f"Declaration {number}", clauses=1, adopted_at=START + timedelta(days=number), **fields)
            for number in range(start, start + count)
        ]

    return adopt_many


def titles(html: str) -> list[str]:
    """Return the titles of the declarations a page of the archive lists, in order, without their highlights."""
    return [re.sub(r"</?mark>", "", title) for title in re.findall(r'<a href="/archive/\d+">(.*?)</a>', html)]


def test_the_archive_shows_a_page_at_a_time_newest_first_with_links_between_pages(client, adopt_many):
    adopt_many(PAGE_SIZE + 3)
    first = client.get("/archive").get_data(as_text=True)
    assert titles(first) == [f"Declaration {n}" for n in range(PAGE_SIZE + 3, 3, -1)]
    assert f"{PAGE_SIZE + 3} declarations, page 1 of 2" in first
    assert 'href="/archive?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/archive?page=2").get_data(as_text=True)
    assert titles(second) == ["Declaration 3", "Declaration 2", "Declaration 1"]
    assert 'href="/archive" rel="prev"' in second and 'rel="next"' not in second


def test_declarations_adopted_at_the_same_moment_keep_one_order_across_pages(client, adopt_many):
    declarations = adopt_many(PAGE_SIZE + 1)
    for declaration in declarations:
        declaration.adopted_at = START
    db.session.commit()
    listed = titles(client.get("/archive").get_data(as_text=True)) + titles(
        client.get("/archive?page=2").get_data(as_text=True))
    assert listed == [d.title for d in sorted(declarations, key=lambda d: d.id, reverse=True)]


def test_the_links_between_pages_keep_the_search(client, adopt_many):
    adopt_many(PAGE_SIZE + 1)
    first = client.get("/archive?words=declaration&year=2010").get_data(as_text=True)
    assert 'href="/archive?words=declaration&amp;year=2010&amp;page=2" rel="next"' in first


@pytest.mark.parametrize("path, status, message", [
    ("/archive?q=resilience", 400, "Unknown parameter “q”: the archive takes “words”, “network”, “year”, "
                                   "“country” and “page”."),
    ("/archive?page=two", 400, "The page must be a whole number from 1, not “two”."),
    ("/archive?page=0", 400, "The page must be a whole number from 1, not “0”."),
    ("/archive?page=-1", 400, "The page must be a whole number from 1, not “-1”."),
    ("/archive?page=3", 404, "There is no page 3: the list has 1 page."),
    ("/archive?page=99999999999999999999", 404, "There is no page 99999999999999999999."),
])
def test_the_archive_refuses_a_parameter_it_does_not_take_and_a_page_that_is_not_there(
    client, adopt_many, path, status, message
):
    adopt_many(1)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in html
    assert titles(html) == []


@pytest.mark.parametrize("path, status, message", [
    ("/api/declarations?q=resilience", 400, "Unknown parameter “q”: /api/declarations takes “page”."),
    ("/api/declarations?page=1.5", 400, "The page must be a whole number from 1, not “1.5”."),
    ("/api/declarations?page=2", 404, "There is no page 2: the list has 1 page."),
])
def test_the_api_refuses_a_parameter_it_does_not_take_and_a_page_that_is_not_there(
    client, adopt_many, path, status, message
):
    adopt_many(1)
    response = client.get(path)
    assert response.status_code == status and response.get_json() == {"error": message}


def test_the_api_gives_a_page_at_a_time_with_the_addresses_of_the_pages_around_it(client, adopt_many):
    adopt_many(PAGE_SIZE + 2)
    first = client.get("/api/declarations").get_json()
    assert [item["title"] for item in first["declarations"]] == [
        f"Declaration {n}" for n in range(PAGE_SIZE + 2, 2, -1)]
    assert (first["page"], first["pages"], first["total"]) == (1, 2, PAGE_SIZE + 2)
    assert first["previous"] is None and first["next"] == "http://localhost/api/declarations?page=2"
    second = client.get(first["next"]).get_json()
    assert [item["title"] for item in second["declarations"]] == ["Declaration 2", "Declaration 1"]
    assert second["previous"] == "http://localhost/api/declarations" and second["next"] is None


def test_an_empty_archive_is_one_empty_page(client):
    assert client.get("/api/declarations").get_json() == {
        "declarations": [], "page": 1, "pages": 1, "total": 0, "previous": None, "next": None}
    assert "No declaration has been adopted yet." in client.get("/archive").get_data(as_text=True)


def test_search_puts_the_best_match_first(client, adopt):
    adopt(title="Resilience Declaration", adopted_at=START)
    adopt(title="Bangkok Declaration", preamble="Resilience first: resilient cities build resilience, and "
                                                "resilience again.", adopted_at=START + timedelta(days=1))
    adopt(title="Seoul Declaration", preamble="A word on resilience.", adopted_at=START + timedelta(days=2))
    adopt(title="Tokyo Declaration", adopted_at=START + timedelta(days=3))
    listed = titles(client.get("/archive?words=resilience").get_data(as_text=True))
    assert set(listed) == {"Resilience Declaration", "Bangkok Declaration", "Seoul Declaration"}
    assert listed[-1] == "Seoul Declaration"  # the newest of them, naming the word once


def test_search_finds_whole_words_and_japanese_words_within_a_sentence(client, adopt):
    adopt(title="Tokyo Declaration", preamble="Cities cooperate on climate-change adaptation.")
    adopt(title="Yokohama Declaration", language="ja", preamble="私たちは防災の協力を進める。")
    assert titles(client.get("/archive?words=climate+change").get_data(as_text=True)) == ["Tokyo Declaration"]
    assert titles(client.get("/archive?words=climate-change").get_data(as_text=True)) == ["Tokyo Declaration"]
    assert titles(client.get("/archive?words=clim").get_data(as_text=True)) == []
    # The labels of the canonical text ("paragraph: ...") are not words of the declaration.
    assert titles(client.get("/archive?words=paragraph").get_data(as_text=True)) == []
    assert titles(client.get("/archive?words=防災").get_data(as_text=True)) == ["Yokohama Declaration"]
    assert titles(client.get("/archive?words=災防").get_data(as_text=True)) == []


def test_the_words_found_are_highlighted_in_the_title_and_an_excerpt(client, adopt):
    adopt(title="Resilience Declaration", preamble="Cities build resilience together.")
    html = client.get("/archive?words=RESILIENCE").get_data(as_text=True)
    assert "<mark>Resilience</mark> Declaration</a>" in html
    assert "Cities build <mark>resilience</mark> together." in html


def test_a_title_written_as_markup_is_shown_as_typed_and_marked_safely(client, adopt):
    adopt(title='<script>alert(1)</script> <b onmouseover="x">Resilience</b> Declaration',
          preamble="<mark>Resilience</mark> & <img src=x onerror=alert(2)>")
    html = client.get("/archive?words=resilience+script").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b onmouseover" not in html and "<img src=x" not in html
    assert ("&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; &lt;b onmouseover=&#34;x&#34;&gt;"
            "<mark>Resilience</mark>&lt;/b&gt; Declaration") in html
    assert "&lt;mark&gt;<mark>Resilience</mark>&lt;/mark&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in html


def test_words_without_a_letter_or_a_digit_are_refused_with_a_message(client, adopt):
    adopt(title="Tokyo Declaration")
    response = client.get("/archive?words=%25+_")
    assert response.status_code == 422
    assert "Type words with a letter or a digit" in response.get_data(as_text=True)


def test_a_page_takes_as_many_queries_with_3_declarations_as_with_30(client, adopt_many, count_queries):
    paths = ["/archive", "/archive?words=declaration", "/archive?words=declaration+1&page=1",
             "/api/declarations", "/api/declarations?page=1"]

    def queries():
        counts = {}
        for path in paths:
            with count_queries() as counted:
                assert client.get(path).status_code == 200, path
            counts[path] = len(counted)
        return counts

    adopt_many(3)
    with_three = queries()
    adopt_many(27, start=4)
    assert len(titles(client.get("/archive?words=declaration").get_data(as_text=True))) == PAGE_SIZE
    assert queries() == with_three
