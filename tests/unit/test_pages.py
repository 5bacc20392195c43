"""The page tree a visitor browses: order, breadcrumbs, and no hang or crash on broken trees."""

from __future__ import annotations

import logging

import pytest

from kiosk.content.models import Page
from kiosk.content.pages import PageTree


def page(page_id: int, parent: int | None = None, order: int = 0, title: str = "") -> Page:
    return Page(id=page_id, title=title or f"P{page_id}", content_html="", parent_id=parent, order=order)


def ids(pages: tuple[Page, ...]) -> list[int]:
    return [p.id for p in pages]


def test_roots_and_children_are_ordered_by_order_then_title() -> None:
    tree = PageTree(
        [
            page(1, order=3, title="Alltag"),
            page(2, order=1, title="Willkommen"),
            page(3, order=1, title="Ankommen"),
            page(10, parent=2, order=2, title="b"),
            page(11, parent=2, order=2, title="A"),
            page(12, parent=2, order=1, title="z"),
        ]
    )
    assert ids(tree.roots()) == [3, 2, 1]
    assert ids(tree.children(2)) == [12, 11, 10]
    assert tree.children(10) == ()
    assert tree.children(999) == ()
    assert tree.get(11) is not None and tree.get(11).title == "A"  # type: ignore[union-attr]
    assert tree.get(999) is None
    assert len(tree) == 6 and 12 in tree and 999 not in tree


def test_breadcrumbs_run_from_the_root_to_the_page() -> None:
    tree = PageTree([page(1), page(2, parent=1), page(3, parent=2)])
    assert ids(tree.breadcrumbs(3)) == [1, 2, 3]
    assert ids(tree.breadcrumbs(1)) == [1]
    assert tree.breadcrumbs(42) == ()
    assert tree.parent(3) is not None and tree.parent(3).id == 2  # type: ignore[union-attr]
    assert tree.parent(1) is None


def test_a_missing_parent_makes_a_root() -> None:
    tree = PageTree([page(1), page(2, parent=77), page(3, parent=2)])
    assert ids(tree.roots()) == [1, 2]
    assert ids(tree.breadcrumbs(3)) == [2, 3]


def test_a_page_that_is_its_own_parent_is_a_root() -> None:
    tree = PageTree([page(5, parent=5)])
    assert ids(tree.roots()) == [5]


def test_parent_cycles_are_broken_and_every_page_stays_reachable(caplog: pytest.LogCaptureFixture) -> None:
    # 1 -> 2 -> 3 -> 1 is a cycle; 4 hangs below it; 6 <-> 7 is a second one.
    pages = [
        page(1, parent=3, order=2),
        page(2, parent=1),
        page(3, parent=2, order=5),
        page(4, parent=3),
        page(6, parent=7),
        page(7, parent=6),
    ]
    with caplog.at_level(logging.WARNING):
        tree = PageTree(pages)
    assert "cycle" in caplog.text
    assert ids(tree.roots()) == [2, 6]  # the first of each cycle by (order, title) becomes the root
    reachable = [p.id for p, _ in tree.walk()]
    assert sorted(reachable) == [1, 2, 3, 4, 6, 7]
    assert ids(tree.breadcrumbs(4)) == [2, 3, 4]
    assert ids(tree.breadcrumbs(1)) == [2, 3, 1]


def test_duplicate_ids_keep_the_first_and_log_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        tree = PageTree([page(1, title="first"), page(1, title="second"), page(1, title="third")])
    assert tree.get(1).title == "first"  # type: ignore[union-attr]
    assert ids(tree.roots()) == [1]
    assert len([r for r in caplog.records if "duplicate" in r.getMessage()]) == 1


def test_a_very_deep_hierarchy_needs_no_recursion() -> None:
    depth = 20_000
    tree = PageTree([page(0)] + [page(n, parent=n - 1) for n in range(1, depth)])
    assert len(tree.breadcrumbs(depth - 1)) == depth
    assert tree.walk()[-1] == (tree.get(depth - 1), depth - 1)


def test_a_long_cycle_is_broken_without_recursion() -> None:
    n = 20_000
    tree = PageTree([page(i, parent=(i + 1) % n) for i in range(n)])
    assert len(tree.roots()) == 1
    assert len(tree.walk()) == n


def test_walk_is_depth_first_in_display_order() -> None:
    tree = PageTree(
        [page(1, order=1), page(2, order=2), page(3, parent=1, order=2), page(4, parent=1, order=1)]
    )
    assert [(p.id, depth) for p, depth in tree.walk()] == [(1, 0), (4, 1), (3, 1), (2, 0)]
