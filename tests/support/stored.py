"""What a store holds after syncs of generated regions (``kiosk.devtools.generate``) were killed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from kiosk.store import Store

#: Every title of a generated region ends with its version: "... v7".
VERSION = re.compile(r"v(\d+)$")


def versions_by_language(
    state_dir: Path, region: str, languages: Sequence[str], size: Mapping[str, int]
) -> dict[str, int]:
    """Each language's one version; fails unless the store is sound and every language complete.

    ``size`` is the region's number of pages, events and locations (in that order), as generated.
    """
    store = Store.open(state_dir)
    try:
        assert store.integrity_ok()
        found: dict[str, int] = {}
        for code in languages:
            content = store.load_language(region, code)
            assert content is not None, code
            counts = (len(content.pages), len(content.events), len(content.places))
            assert counts == (size["pages"], size["events"], size["locations"]), (code, counts)
            titles = [p.title for p in content.pages] + [e.title for e in content.events]
            titles += [p.name for p in content.places]
            marks = {int(VERSION.search(title).group(1)) for title in titles}  # type: ignore[union-attr]
            assert len(marks) == 1, f"{code} mixes versions {sorted(marks)}"
            found[code] = marks.pop()
        return found
    finally:
        store.close()
