"""Pages as the running kiosk holds them: what a topic list shows in memory, the rest left in the store.

A page's HTML is read when the page is shown (:class:`StoredPage`). Its links to its translations are
held as ids only (:class:`StoredLinks`): every page names its translation in every other language, and
their addresses, as text, cost more than everything else a language holds. The kiosk follows links
by id; an address is read from the store if anything asks for it (:class:`StoredTranslation`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

from kiosk.content.models import Page, Translation

if TYPE_CHECKING:
    from kiosk.store.content import Store


class StoredPage(Page):
    """A page read from the store without its HTML; ``content_html`` reads it from there when asked.

    Shown exactly like the page it was read from: only where its text waits differs.
    """

    __slots__ = ("_language", "_region", "_store")
    _store: Store
    _region: str
    _language: str

    @classmethod
    def of(cls, page: Page, store: Store, region: str, language: str,
           links: Mapping[str, Translation] | None = None) -> StoredPage:  # fmt: skip
        """``page`` as stored; with ``links`` in place of its own ``available_languages`` if given."""
        stored = object.__new__(cls)
        for name in _PAGE_FIELDS:  # object.__setattr__: the frozen dataclass refuses its own
            object.__setattr__(stored, name, getattr(page, name))
        if links is not None:
            object.__setattr__(stored, "available_languages", links)
        object.__setattr__(stored, "_store", store)
        object.__setattr__(stored, "_region", region)
        object.__setattr__(stored, "_language", language)
        return stored

    @property  # a field of Page, read from the store here
    def content_html(self) -> str:
        return self._store.page_html(self._region, self._language, self.id)


_PAGE_FIELDS = tuple(f.name for f in fields(Page) if f.name != "content_html")


class StoredLinks(Mapping[str, Translation]):
    """A stored page's translations by language: their ids in memory, their addresses in the store."""

    __slots__ = ("_codes", "_ids", "_page_id", "_where")

    def __init__(self, codes: tuple[str, ...], ids: Sequence[int], where: tuple[Store, str, str],
                 page_id: int) -> None:  # fmt: skip
        self._codes = codes  # shared by every page with the same languages
        self._ids = ids
        self._where = where  # (store, region, language) of the page, shared by its language's pages
        self._page_id = page_id

    def __getitem__(self, code: str) -> Translation:
        try:
            number = self._codes.index(code)
        except ValueError:
            raise KeyError(code) from None
        return StoredTranslation.of(self._ids[number], self, code)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"StoredLinks({dict(zip(self._codes, self._ids, strict=True))!r})"

    def address(self, code: str) -> tuple[str, str]:
        """The url and path of the translation in ``code``, read from the store."""
        store, region, language = self._where
        return store.link_address(region, language, self._page_id, code)


class StoredTranslation(Translation):
    """A link to the same page in another language whose url and path are read from the store when
    asked for (the kiosk itself only follows the id)."""

    __slots__ = ("_code", "_links")
    _links: StoredLinks
    _code: str

    @classmethod
    def of(cls, page_id: int, links: StoredLinks, code: str) -> StoredTranslation:
        found = object.__new__(cls)
        object.__setattr__(found, "id", page_id)
        object.__setattr__(found, "_links", links)
        object.__setattr__(found, "_code", code)
        return found

    @property  # a field of Translation, read from the store here
    def url(self) -> str:
        return self._links.address(self._code)[0]

    @property  # a field of Translation, read from the store here
    def path(self) -> str:
        return self._links.address(self._code)[1]

    def __eq__(self, other: object) -> bool:
        """Equal to the :class:`Translation` it was read from (the dataclass's own asks for one class)."""
        if not isinstance(other, Translation):
            return NotImplemented
        return (self.id, *self._links.address(self._code)) == (other.id, other.url, other.path)

    def __hash__(self) -> int:
        return hash((self.id, *self._links.address(self._code)))


def link_ids(ids: list[int]) -> Sequence[int]:
    """Ids as compactly as they fit: eight bytes each where they are within 64 bits."""
    try:
        return array("q", ids)
    except OverflowError:
        return tuple(ids)
