"""The content snapshot bundled with the kiosk: what it shows before (or without) any network.

Layout, in the API's own shapes: ``manifest.json`` {"region", "created"}, ``languages.json``, and
per language ``<code>/pages.json``, ``events.json``, ``locations.json``. Each file goes through the
same parsers as live responses. A missing file counts as empty; a language whose files are broken
is left out with one log line, so one bad translation never hides the others.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.clock import BERLIN
from kiosk.content.models import Language, LanguageContent, RegionContent
from kiosk.sources.integreat.schema import (
    SchemaError,
    parse_events,
    parse_languages,
    parse_pages,
    parse_places,
)

log = logging.getLogger(__name__)

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "snapshot"
_MAX_FILE_BYTES = 64 * 1024 * 1024


class SnapshotError(Exception):
    """The snapshot as a whole is unusable: no manifest, no languages, or no language with content."""


def _read_json(path: Path) -> Any:
    if path.stat().st_size > _MAX_FILE_BYTES:
        raise SchemaError(f"{path.name} is larger than {_MAX_FILE_BYTES // (1024 * 1024)} MB")
    return json.loads(path.read_text(encoding="utf-8"))


def _created(value: Any) -> datetime | None:
    """The manifest's "created": a date or a datetime, naive meaning Berlin time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value.strip()), datetime.min.time())
        except ValueError:
            return None
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment.astimezone(BERLIN)


def _language_content(directory: Path, language: Language) -> LanguageContent | None:
    folder = directory / language.code
    if not folder.is_dir():
        log.warning("snapshot: no folder for language %s; left out", language.code)
        return None
    parsed: dict[str, list[Any]] = {}
    for name, parse in (("pages", parse_pages), ("events", parse_events), ("locations", parse_places)):
        path = folder / f"{name}.json"
        if not path.exists():
            parsed[name] = []
            continue
        try:
            parsed[name] = parse(_read_json(path))
        except (OSError, ValueError) as error:  # ValueError covers bad JSON, SchemaError, bad UTF-8
            log.warning("snapshot: %s/%s is broken (%s); language %s left out", language.code, path.name,
                        str(error)[:200], language.code)  # fmt: skip
            return None
    return LanguageContent(language, parsed["pages"], parsed["events"], parsed["locations"])


def load_snapshot(directory: Path | None = None) -> RegionContent:
    """Read the bundled snapshot (or one in ``directory``) into domain models."""
    directory = DEFAULT_DIRECTORY if directory is None else directory
    try:
        manifest = _read_json(directory / "manifest.json")
        languages = parse_languages(_read_json(directory / "languages.json"))
    except (OSError, ValueError) as error:
        raise SnapshotError(f"snapshot in {directory} is unusable: {str(error)[:200]}") from None
    region = manifest.get("region") if isinstance(manifest, dict) else None
    if not isinstance(region, str) or not region.strip():
        raise SnapshotError(f"snapshot in {directory}: manifest.json names no region")
    by_language: dict[str, LanguageContent] = {}
    for language in languages:
        content = _language_content(directory, language)
        if content is not None:
            by_language[language.code] = content
    if not by_language:
        raise SnapshotError(f"snapshot in {directory} has no language with readable content")
    return RegionContent(
        region=region.strip(),
        languages=[lang for lang in languages if lang.code in by_language],
        by_language=by_language,
        source="snapshot",
        fetched_at=_created(manifest.get("created")),
    )
