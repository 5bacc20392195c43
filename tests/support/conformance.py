"""Where the Integreat conformance files are: ``shared/conformance/integreat`` beside the repository.

The files are real API answers that may not be copied into the repository. CI and the team's machines
have ``shared/`` beside the checkout; a newcomer's fresh clone does not, and there every test that needs
the files skips with this reason instead of failing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "integreat"
MISSING = f"conformance files not found at {CONFORMANCE} (shared/ beside the repository; CI has it)"


def conformance_available() -> bool:
    """True when the conformance folder sits beside the repository (it holds a ``routes.json``)."""
    return (CONFORMANCE / "routes.json").is_file()


#: For a test (or a whole module, as ``pytestmark``) that reads the conformance files.
needs_conformance = pytest.mark.skipif(not conformance_available(), reason=MISSING)


def conformance_dir() -> Path:
    """The conformance folder; skips the calling test (or fixture) with the reason when it is missing."""
    if not conformance_available():
        pytest.skip(MISSING)
    return CONFORMANCE


def conformance_json(name: str) -> Any:
    """One conformance file, parsed; skips the calling test when the folder is missing."""
    return json.loads((conformance_dir() / name).read_text(encoding="utf-8"))
