"""Shared fixtures: settings isolated from the machine, a frozen clock, the kiosk app on bundled content."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import hypothesis
import pytest

from kiosk.clock import BERLIN
from kiosk.config import Settings, load_settings

# Property tests judge results, never speed: no per-example deadline and no "too slow" health check,
# which a machine whose both cores are busy elsewhere would otherwise fail.
hypothesis.settings.register_profile(
    "kiosk", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("kiosk")

#: A Monday morning: the Westerfilde office is open 9:00–12:00.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the machine's config or writes to the user's state directories."""
    for key in list(os.environ):
        if key.startswith("KIOSK_"):
            monkeypatch.delenv(key)
    config = tmp_path / "kiosk.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(config))
    monkeypatch.setenv("KIOSK_PATHS__STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("KIOSK_PATHS__CACHE_DIR", str(tmp_path / "cache"))
    # Speech off unless a test asks for it (tests/support/speech_ui.py): what the kiosk could say
    # depends on this machine's audio, which no screen test may.
    monkeypatch.setenv("KIOSK_SPEECH__ENABLED", "false")
    yield
    from kiosk.i18n import configure, set_language

    configure(None)
    set_language("de")


@pytest.fixture
def settings() -> Settings:
    return load_settings()


class FakeMonotonic:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def make_app(settings: Settings, monotonic: FakeMonotonic) -> Callable[..., object]:
    """Build the kiosk app on the bundled snapshot with a frozen clock and no animation."""

    def build(now: datetime = MONDAY_MORNING, **overrides: object) -> object:
        from kiosk.sources.snapshot import load_snapshot
        from kiosk.ui.app import KioskApp

        return KioskApp(
            settings,
            load_snapshot(),
            clock=lambda: now,
            monotonic=monotonic,
            cycle_greeting=False,
            **overrides,  # type: ignore[arg-type]
        )

    return build
