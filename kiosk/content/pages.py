"""The topic page tree: roots, children and breadcrumbs over a flat list of pages.

Content from outside can be inconsistent: a parent that is missing makes a page a root, a cycle of
parents is broken at one page, and of two pages with one id the first wins. Every walk is a loop,
so no hierarchy is too deep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from kiosk.content.models import Page

log = logging.getLogger(__name__)


def _sort_key(page: Page) -> tuple[int, str, int]:
    return (page.order, page.title.casefold(), page.id)


class PageTree:
    """Pages as a tree, each level ordered by (order, title)."""

    def __init__(self, pages: Iterable[Page]) -> None:
        self._pages: dict[int, Page] = {}
        duplicates: list[int] = []
        for page in pages:
            if page.id in self._pages:
                duplicates.append(page.id)
            else:
                self._pages[page.id] = page
        if duplicates:
            log.warning("page tree: %d duplicate page id(s) ignored, first kept: %s", len(duplicates),
                        sorted(set(duplicates))[:20])  # fmt: skip
        self._parent: dict[int, int | None] = {
            page.id: page.parent_id if page.parent_id in self._pages and page.parent_id != page.id else None
            for page in self._pages.values()
        }
        self._break_cycles()
        children: dict[int | None, list[Page]] = {}
        for page_id, parent_id in self._parent.items():
            children.setdefault(parent_id, []).append(self._pages[page_id])
        self._children: dict[int | None, tuple[Page, ...]] = {
            parent_id: tuple(sorted(kids, key=_sort_key)) for parent_id, kids in children.items()
        }

    def _break_cycles(self) -> None:
        """Make one page of every parent cycle a root: the first by (order, title) of that cycle."""
        settled: set[int] = set()
        broken: list[int] = []
        for start in self._pages:
            path: list[int] = []
            on_path: set[int] = set()
            node: int | None = start
            while node is not None and node not in settled:
                if node in on_path:
                    cycle = path[path.index(node) :]
                    root = min(cycle, key=lambda page_id: _sort_key(self._pages[page_id]))
                    self._parent[root] = None
                    broken.append(root)
                    break
                path.append(node)
                on_path.add(node)
                node = self._parent[node]
            settled.update(path)
        if broken:
            log.warning("page tree: parent cycle(s) broken at page(s) %s", broken[:20])

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, page_id: object) -> bool:
        return page_id in self._pages

    def get(self, page_id: int) -> Page | None:
        return self._pages.get(page_id)

    def roots(self) -> tuple[Page, ...]:
        """The top-level pages."""
        return self._children.get(None, ())

    def children(self, page_id: int) -> tuple[Page, ...]:
        """The direct children of a page; () for a leaf or an unknown id."""
        return self._children.get(page_id, ())

    def parent(self, page_id: int) -> Page | None:
        """The page above, as the tree sees it (None for a root or an unknown id)."""
        parent_id = self._parent.get(page_id)
        return None if parent_id is None else self._pages[parent_id]

    def breadcrumbs(self, page_id: int) -> tuple[Page, ...]:
        """The pages from a root down to this page, both included; () for an unknown id."""
        trail: list[Page] = []
        node: int | None = page_id if page_id in self._pages else None
        while node is not None:
            trail.append(self._pages[node])
            node = self._parent[node]
        return tuple(reversed(trail))

    def walk(self) -> Sequence[tuple[Page, int]]:
        """Every page with its depth (0 = root), depth first in display order."""
        out: list[tuple[Page, int]] = []
        stack: list[tuple[Page, int]] = [(page, 0) for page in reversed(self.roots())]
        while stack:
            page, depth = stack.pop()
            out.append((page, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children(page.id)))
        return out
