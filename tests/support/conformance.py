"""Where the real API answers live: ``../shared/conformance`` beside the repository, never inside it.

The files may not be copied into the repository. CI and the team's machines have ``shared/`` beside the
checkout; a newcomer's fresh clone does not, and there every test that reads them is skipped with the
reason (:func:`conformance_dir`, ``needs_conformance``) instead of failing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance" / "integreat"
MISSING = f"conformance files not found at {CONFORMANCE.parent} (shared/ beside the repository; CI has it)"


def conformance_available(name: str = "integreat") -> bool:
    """True when ``../shared/conformance/<name>`` sits beside the repository."""
    return (SHARED / "conformance" / name).is_dir()


#: For a test (or a whole module, as ``pytestmark``) that reads the Integreat conformance files.
needs_conformance = pytest.mark.skipif(not conformance_available(), reason=MISSING)


def conformance_dir(name: str = "integreat") -> Path:
    """``../shared/conformance/<name>``; skips the calling test (or fixture) when it is not there."""
    folder = SHARED / "conformance" / name
    if not folder.is_dir():
        pytest.skip(f"conformance files not found at {folder} (shared/ beside the repository; CI has it)")
    return folder


def conformance_json(folder_or_file: str, file: str | None = None) -> Any:
    """One conformance file, decoded: ``(file)`` in integreat/, or ``(folder, file)``; skips when missing."""
    folder, name = ("integreat", folder_or_file) if file is None else (folder_or_file, file)
    return json.loads((conformance_dir(folder) / name).read_text(encoding="utf-8"))
