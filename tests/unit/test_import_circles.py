"""The house has no import circle: no group of kiosk modules imports each other round, directly or not.

import-linter's contracts check named packages against each other; this checks every module against
every other. Imports inside functions count (they were how screens opened each other), imports under
``if TYPE_CHECKING:`` do not (they never run). The graph is grimp's, which import-linter builds on.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected component of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        # Tarjan's algorithm without recursion: each frame is a module and the imports still to visit.
        frames = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while frames:
            module, imported = frames[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    frames.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            frames.pop()
            if frames:
                parent = frames[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1 or graph.direct_import_exists(importer=module, imported=module):
                    found.append(sorted(component))
    return found


def test_no_kiosk_modules_import_each_other_in_a_circle() -> None:
    graph = grimp.build_graph("kiosk", exclude_type_checking_imports=True, cache_dir=None)
    assert len(graph.modules) > 50, "the whole house was read"
    assert circles(graph) == []


def test_the_check_finds_a_circle_through_an_import_inside_a_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "roundabout"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "a.py").write_text("from roundabout import b\n", encoding="utf-8")
    (package / "b.py").write_text("def later():\n    from roundabout import c\n", encoding="utf-8")
    (package / "c.py").write_text("import roundabout.a\n", encoding="utf-8")
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from roundabout import e\n", "utf-8"
    )
    (package / "e.py").write_text("import roundabout.d\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("roundabout", exclude_type_checking_imports=True, cache_dir=None)
    assert circles(graph) == [["roundabout.a", "roundabout.b", "roundabout.c"]]
    with_type_checking = grimp.build_graph("roundabout", cache_dir=None)
    assert sorted(circles(with_type_checking)) == [
        ["roundabout.a", "roundabout.b", "roundabout.c"],
        ["roundabout.d", "roundabout.e"],
    ]
