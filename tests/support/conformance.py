"""Where the real API answers live: ``../shared/conformance`` beside the repository, never inside it.

The files may not be copied into the repository. A fresh clone has no ``../shared``: every test that
reads them asks :func:`conformance_dir` and is skipped with the reason; CI has the folder and runs them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def conformance_dir(name: str = "integreat") -> Path:
    """``../shared/conformance/<name>``; skips the calling test when it is not there."""
    folder = SHARED / "conformance" / name
    if not folder.is_dir():
        pytest.skip(f"conformance files not found at {folder} (shared/ must sit beside the repository)")
    return folder


def conformance_json(name: str, file: str) -> Any:
    """One conformance file, decoded."""
    return json.loads((conformance_dir(name) / file).read_text(encoding="utf-8"))
