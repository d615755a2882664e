"""A page of a long list (drafting.domain.pages): where it starts, how many pages there are, its neighbours."""

from dataclasses import dataclass
from typing import ClassVar

from drafting.domain.pages import Page


@dataclass(frozen=True)
class TenToAPage(Page):
    size: ClassVar[int] = 10


def test_a_page_starts_after_the_pages_before_it():
    assert [TenToAPage.offset(number) for number in (1, 2, 3)] == [0, 10, 20]


def test_a_number_below_1_starts_at_the_first_page_never_before_it():
    # PostgreSQL refuses a negative OFFSET; SQLite would quietly read from the start.
    assert TenToAPage.offset(0) == TenToAPage.offset(-5) == 0


def test_an_empty_list_has_one_empty_page():
    assert TenToAPage(number=1, total=0).pages == 1
    assert TenToAPage(number=1, total=0).exists
    assert TenToAPage(number=2, total=0).exists is False


def test_the_neighbours_of_a_page():
    assert (TenToAPage(number=1, total=21).previous, TenToAPage(number=1, total=21).next) == (None, 2)
    assert (TenToAPage(number=3, total=21).previous, TenToAPage(number=3, total=21).next) == (2, None)
    assert TenToAPage(number=3, total=21).pages == 3
    # Beyond the last page there is nothing to go back or on to.
    assert (TenToAPage(number=4, total=21).previous, TenToAPage(number=4, total=21).next) == (None, None)
