"""What a visitor can see in their language, with German or English standing in for what is missing.

Integreat gives every translation of a page its own id; ``available_languages`` links them. A page the
visitor's language lacks is shown in the fallback language and marked as such, under the parent it has
in the visitor's language where that exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from kiosk.content.models import Event, LanguageContent, Page, Place, PlaceCategory, RegionContent

T = TypeVar("T")
FALLBACK_LANGUAGES = ("de", "en")


@dataclass(frozen=True, slots=True)
class Shown(Generic[T]):
    """An item and the language it is written in (not always the visitor's)."""

    item: T
    language: str


PageKey = tuple[str, int]


class Library:
    """The content of one region as seen in one visitor language."""

    def __init__(self, content: RegionContent, language: str) -> None:
        self.language = language
        self._own = content.get(language)
        self._fallback = self._pick_fallback(content, language)
        self._pages: dict[PageKey, Page] = {}
        self._children: dict[PageKey | None, list[PageKey]] = {}
        self._build_tree()

    @staticmethod
    def _pick_fallback(content: RegionContent, language: str) -> LanguageContent | None:
        for code in FALLBACK_LANGUAGES:
            candidate = content.get(code)
            if (
                code != language
                and candidate is not None
                and (candidate.pages or candidate.places or candidate.events)
            ):
                return candidate
        return None

    def _build_tree(self) -> None:
        parents: dict[PageKey, PageKey | None] = {}
        f_by_id: dict[int, Page] = {}
        own = self._own
        own_code = own.language.code if own else self.language
        if own is not None:
            for page in own.pages:
                self._pages.setdefault((own_code, page.id), page)
        fallback = self._fallback
        if fallback is not None:
            f_code = fallback.language.code
            f_by_id = {page.id: page for page in fallback.pages}
            linked = {
                t.id
                for page in (own.pages if own else ())
                if (t := page.available_languages.get(f_code)) is not None and t.id is not None
            }
            own_ids = {page.id for page in own.pages} if own else set()
            for page in fallback.pages:
                translation = page.available_languages.get(own_code)
                # Skip only what the visitor's language really has: a listed translation can be missing.
                if page.id in linked or (translation is not None and translation.id in own_ids):
                    continue
                self._pages.setdefault((f_code, page.id), page)
        for key, page in self._pages.items():
            code = key[0]
            parent: PageKey | None = None
            if page.parent_id is not None:
                parent = (code, page.parent_id)
                if parent not in self._pages and fallback is not None and code == fallback.language.code:
                    translated = f_by_id.get(page.parent_id)
                    link = translated.available_languages.get(own_code) if translated else None
                    if link is not None and link.id is not None:
                        parent = (own_code, link.id)
                if parent not in self._pages:
                    parent = None
            parents[key] = parent
        reachable = self._attach(parents)
        # Pages caught in a parent cycle are unreachable from any root: show them at the top.
        for key in self._pages:
            if key not in reachable:
                parents[key] = None
        self._attach(parents)

    def _attach(self, parents: dict[PageKey, PageKey | None]) -> set[PageKey]:
        self._children = {}
        for key, parent in parents.items():
            self._children.setdefault(parent, []).append(key)
        for keys in self._children.values():
            keys.sort(key=lambda k: (self._pages[k].order, self._pages[k].title.casefold()))
        seen: set[PageKey] = set()
        stack = list(self._children.get(None, []))
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            stack.extend(self._children.get(key, []))
        return seen

    def topics(self, parent: PageKey | None = None) -> list[Shown[Page]]:
        """The pages directly under ``parent`` (None: the top level), in their order."""
        return [Shown(self._pages[key], key[0]) for key in self._children.get(parent, [])]

    def has_children(self, key: PageKey) -> bool:
        return bool(self._children.get(key))

    def same_page(self, key: PageKey, page: Page | None = None) -> PageKey | None:
        """Where the page ``key`` (``page`` as another language showed it) is in this library, if anywhere.

        The visitor switched language on a page or a topic list: they want the same item, in their new
        language where it exists, else where this library shows it (a fallback language).
        """
        if key in self._pages:
            return key
        if page is not None:
            own = self._own.language.code if self._own else self.language
            linked = [(code, t.id) for code, t in page.available_languages.items() if t.id is not None]
            for candidate in sorted(linked, key=lambda link: link[0] != own):
                if candidate in self._pages:
                    return candidate
        return self._linking_to(key)

    def _linking_to(self, key: PageKey) -> PageKey | None:
        """The page here that names ``key`` as its translation: found from the other side of the link.

        A scan (a millisecond for thousands of pages) rather than a table of every link, which would
        cost megabytes per language for a question asked only when a page does not name its own.
        """
        code, page_id = key
        for here, page in reversed(self._pages.items()):  # the last wins, as in a table built in order
            link = page.available_languages.get(code)
            if link is not None and link.id == page_id:
                return here
        return None

    def page(self, key: PageKey) -> Shown[Page] | None:
        page = self._pages.get(key)
        return Shown(page, key[0]) if page is not None else None

    def places(self) -> list[Shown[Place]]:
        """Every place, in the visitor's language where it exists."""
        return self._merge(
            self._own.places if self._own else (), self._fallback.places if self._fallback else ()
        )

    def categories(self) -> Sequence[PlaceCategory]:
        """The region's kinds of places, named in the language its places are shown in."""
        if self._own is not None and self._own.places:
            return self._own.categories
        return self._fallback.categories if self._fallback is not None else ()

    def events(self) -> list[Shown[Event]]:
        return self._merge(
            self._own.events if self._own else (), self._fallback.events if self._fallback else ()
        )

    def _merge(self, own: Sequence[T], fallback: Iterable[T]) -> list[Shown[T]]:
        own_code = self._own.language.code if self._own else self.language
        shown = [Shown(item, own_code) for item in own]
        if self._fallback is not None and not own:
            shown = [Shown(item, self._fallback.language.code) for item in fallback]
        return shown

    def office(self, place_id: int | None = None) -> Shown[Place] | None:
        """Our own office: the configured place, else the first place with opening hours."""
        places = self.places()
        for shown in places:
            if place_id is not None and shown.item.id == place_id:
                return shown
        for shown in places:
            if place_id is None and shown.item.opening_hours is not None:
                return shown
        return None
