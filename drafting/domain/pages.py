"""A page of a long list: which one it is among how many, and its neighbours."""

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Page:
    """Where one page stands in a list of `total` items cut into pages of `size`."""

    size: ClassVar[int]
    number: int  # from 1
    total: int  # items on every page together

    @classmethod
    def offset(cls, number: int) -> int:
        """Return how many items come before page `number` (taken as 1 below 1)."""
        return (max(number, 1) - 1) * cls.size

    @property
    def pages(self) -> int:
        """Return how many pages the list fills; one, empty, when it holds nothing."""
        return max(1, -(-self.total // self.size))

    @property
    def exists(self) -> bool:
        """Say whether the list has a page of this number."""
        return 1 <= self.number <= self.pages

    @property
    def previous(self) -> int | None:
        """Return the number of the page before this one, if there is one."""
        return self.number - 1 if 1 < self.number <= self.pages else None

    @property
    def next(self) -> int | None:
        """Return the number of the page after this one, if there is one."""
        return self.number + 1 if 1 <= self.number < self.pages else None
