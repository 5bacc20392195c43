"""The bundled snapshot: read through the API parsers; one broken language never hides the others."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.content.pages import PageTree
from kiosk.sources.snapshot import SnapshotError, load_snapshot
from tests.support.conformance import conformance_dir


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """A small snapshot made of real CMS responses: de, en, ar with content, fa without a folder."""
    conformance = conformance_dir()
    write(tmp_path / "manifest.json", {"region": "augsburg", "created": "2026-11-20T08:30:00+01:00"})
    shutil.copy(conformance / "augsburg_languages.json", tmp_path / "languages.json")
    for code in ("de", "ar"):
        (tmp_path / code).mkdir()
        shutil.copy(conformance / f"augsburg_{code}_pages.json", tmp_path / code / "pages.json")
    for code in ("de", "en", "ar"):
        (tmp_path / code).mkdir(exist_ok=True)
        shutil.copy(conformance / f"augsburg_{code}_events.json", tmp_path / code / "events.json")
        shutil.copy(conformance / f"augsburg_{code}_locations.json", tmp_path / code / "locations.json")
    return tmp_path


def test_a_snapshot_reads_like_the_api(snapshot: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        content = load_snapshot(snapshot)
    assert content.region == "augsburg" and content.source == "snapshot"
    assert content.fetched_at == datetime(2026, 11, 20, 8, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert [lang.code for lang in content.languages] == ["de", "en", "ar"]  # fa has no folder
    assert "fa" in caplog.text
    de = content.get("de")
    assert de is not None
    assert (len(de.pages), len(de.events), len(de.places)) == (21, 3, 1)  # 8 event records: 1 series + 2
    english = content.get("en")
    assert english is not None and len(english.pages) == 0 and len(english.events) == 3  # missing = empty
    arabic = content.get("ar")
    assert arabic is not None and arabic.language.direction == "rtl"
    assert [p.id for p in PageTree(arabic.pages).breadcrumbs(38)] == [43, 46, 38]
    assert content.get("fa") is None


@pytest.mark.parametrize(
    "breakage",
    ["{not json", '{"pages": "wrong shape"}', b"\xff\xfe not utf-8"],
)
def test_a_language_with_a_broken_file_is_left_out(
    snapshot: Path, breakage: str | bytes, caplog: pytest.LogCaptureFixture
) -> None:
    target = snapshot / "ar" / "events.json"
    if isinstance(breakage, bytes):
        target.write_bytes(breakage)
    else:
        target.write_text(breakage, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        content = load_snapshot(snapshot)
    assert [lang.code for lang in content.languages] == ["de", "en"]
    assert content.get("ar") is None
    assert "ar/events.json" in caplog.text


def test_broken_records_inside_a_file_only_cost_themselves(snapshot: Path) -> None:
    pages = json.loads((snapshot / "de" / "pages.json").read_text(encoding="utf-8"))
    pages[0] = {"id": "not a number", "title": None}
    write(snapshot / "de" / "pages.json", pages)
    de = load_snapshot(snapshot).get("de")
    assert de is not None and len(de.pages) == 20


@pytest.mark.parametrize("missing", ["manifest.json", "languages.json"])
def test_without_manifest_or_languages_the_snapshot_is_unusable(snapshot: Path, missing: str) -> None:
    (snapshot / missing).unlink()
    with pytest.raises(SnapshotError):
        load_snapshot(snapshot)


def test_a_manifest_without_region_or_a_snapshot_without_content_is_unusable(snapshot: Path) -> None:
    write(snapshot / "manifest.json", {"created": "2026-11-20"})
    with pytest.raises(SnapshotError):
        load_snapshot(snapshot)
    write(snapshot / "manifest.json", {"region": "augsburg", "created": "gestern"})
    for code in ("de", "en", "ar"):
        (snapshot / code / "events.json").write_text("[", encoding="utf-8")
    with pytest.raises(SnapshotError):
        load_snapshot(snapshot)


def test_a_date_only_or_unreadable_created_stamp(snapshot: Path) -> None:
    write(snapshot / "manifest.json", {"region": "augsburg", "created": "2026-11-24"})
    assert load_snapshot(snapshot).fetched_at == datetime(2026, 11, 24, tzinfo=ZoneInfo("Europe/Berlin"))
    write(snapshot / "manifest.json", {"region": "augsburg", "created": 5})
    assert load_snapshot(snapshot).fetched_at is None


def test_the_bundled_snapshot_loads_with_content_in_every_language() -> None:
    content = load_snapshot()
    assert content.languages
    for language in content.languages:
        language_content = content.get(language.code)
        assert language_content is not None and language_content.pages, language.code
        assert PageTree(language_content.pages).roots()
