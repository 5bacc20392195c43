"""Crashes and broken disks: killed syncs, a damaged store at start, a state directory that is read-only
or full, and translation catalogs that are missing or broken. The kiosk keeps showing content, loses
nothing it had, and says what went wrong once in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from multiprocessing.connection import wait
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from kiosk.config import Settings
from kiosk.devtools.generate import GeneratedRegion, generate_region
from kiosk.ops.doctor import check_directory
from kiosk.store import FILE_NAME, Store
from kiosk.sync.round import sync_once
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.widgets.text import Prose
from tests.support.api_server import ApiServer, sync_settings
from tests.support.screen import screen_text
from tests.support.stored import versions_by_language

REGION = "absturzstadt"
LANGUAGES = ("de", "uk", "ar")
SIZE = {"pages": 150, "events": 12, "locations": 6}
KILLS = int(os.environ.get("KIOSK_TEST_KILLS", "100"))


def region(version: int) -> GeneratedRegion:
    return generate_region(REGION, LANGUAGES, *SIZE.values(), version=version)


def sync_in_child(url: str, state_dir: str) -> None:
    """One sync round, as ``kiosk sync --once`` does it; run in a forked child that gets killed."""
    settings = sync_settings(url, Path(state_dir), region=REGION, languages=LANGUAGES, timeout_s=20)
    store = Store.open(Path(state_dir))
    try:
        asyncio.run(sync_once(settings, store))
    finally:
        store.close()


def versions(state_dir: Path) -> dict[str, int]:
    """Each language's one version; fails unless the store is sound and every language complete."""
    return versions_by_language(state_dir, REGION, LANGUAGES, SIZE)


def test_a_hundred_kills_during_sync_leave_a_sound_and_complete_store(tmp_path: Path) -> None:
    # A fork server with the kiosk already imported starts each sync in milliseconds, so the kills
    # land anywhere in the round (connecting, parsing, writing) rather than mostly in Python's start.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    state_dir = tmp_path / "state"
    seed = int(os.environ.get("KIOSK_TEST_SEED", "20261124"))
    rng = random.Random(seed)
    with ApiServer(region(1).routes) as server:
        assert run_to_end(context, server.url, state_dir) >= 0  # starts the fork server too
        assert versions(state_dir) == dict.fromkeys(LANGUAGES, 1)
        version = 2
        server.set_routes(region(version).routes)
        duration = run_to_end(context, server.url, state_dir)  # how long a round takes, to aim the kills
        assert versions(state_dir) == dict.fromkeys(LANGUAGES, version)
        # Kill until KILLS kills have hit a running sync, however fast or loaded the machine is; a kill
        # that came too late still checks the store, and tells how long a round takes now.
        killed_while_running = tries = 0
        while killed_while_running < KILLS:
            tries += 1
            assert tries <= 5 * KILLS, f"only {killed_while_running} of {tries} kills hit a running sync"
            version += 1
            server.set_routes(region(version).routes)
            if tries % 10 == 0:  # aim again: the machine's speed changes while other work comes and goes
                duration = run_to_end(context, server.url, state_dir)
                version += 1
                server.set_routes(region(version).routes)
            child = context.Process(target=sync_in_child, args=(server.url, str(state_dir)))
            started = time.monotonic()
            child.start()
            if wait([child.sentinel], timeout=rng.uniform(0.0, 1.2) * duration):
                duration = time.monotonic() - started  # it finished before the kill
            else:
                with contextlib.suppress(ProcessLookupError):  # it may have finished a moment ago
                    child.kill()
            child.join(60)
            killed_while_running += child.exitcode == -signal.SIGKILL
            try:
                found = versions(state_dir)
            except AssertionError as error:
                raise AssertionError(f"after try {tries} (seed {seed}): {error}") from None
            assert set(found.values()) <= set(range(1, version + 1))
        run_to_end(context, server.url, state_dir)
    assert versions(state_dir) == dict.fromkeys(LANGUAGES, version)


def run_to_end(context: multiprocessing.context.ForkServerContext, url: str, state_dir: Path) -> float:
    """An undisturbed sync in a child; how long it took, in seconds."""
    started = time.monotonic()
    child = context.Process(target=sync_in_child, args=(url, str(state_dir)))
    child.start()
    child.join(120)
    assert child.exitcode == 0
    return time.monotonic() - started


# -- the kiosk's own start, headless ------------------------------------------------------------------

Drive = Callable[[Pilot[object]], Awaitable[None]]


def run_kiosk_headless(monkeypatch: pytest.MonkeyPatch, settings: Settings, drive: Drive) -> None:
    """``kiosk.cli.run.run_kiosk``, headless: ``drive`` runs once the kiosk is up, then the kiosk exits."""

    from kiosk.cli import run as cli
    from kiosk.ui.app import KioskApp

    failures: list[BaseException] = []

    async def auto_pilot(pilot: Pilot[object]) -> None:
        try:
            await pilot.pause()
            await drive(pilot)
        except BaseException as failure:  # handed to the test, which re-raises it
            failures.append(failure)
        finally:
            pilot.app.exit()

    def headless(app: KioskApp) -> None:
        App.run(app, headless=True, size=(100, 30), auto_pilot=auto_pilot)

    monkeypatch.setattr(cli, "_log_away_from_the_screen", lambda settings: None)  # keep caplog's handler
    monkeypatch.setattr(KioskApp, "run", headless)
    assert cli.run_kiosk(settings) == 0
    if failures:
        raise failures[0]


def kiosk_settings(state_dir: Path, base_url: str | None = None, **display: object) -> Settings:
    return Settings(
        api={"base_url": base_url, "region": "dortmund", "timeout_s": 5},
        display={"languages": ["de", "en"], "default_language": "de", **display},
        paths={"state_dir": state_dir},
    )


async def open_topics(pilot: Pilot[object]) -> str:
    """From the welcome screen to the German help topics; what they say."""
    await pilot.press("x", "1", "1")
    await pilot.pause()
    return screen_text(pilot.app)


def damage(path: Path, how: str) -> bytes:
    """Damage the store file at ``path`` the way a power cut or a bad disk might; its bytes after."""
    data = path.read_bytes()
    if how == "not a database":
        data = b"\x00garbage\xff" * 4096
    elif how == "truncated":
        data = data[: len(data) * 2 // 5]
    else:  # pages overwritten with noise, the header intact
        noise = random.Random(7).randbytes(8192)
        data = data[:16384] + noise + data[16384 + len(noise) :]
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("how", ["not a database", "truncated", "pages overwritten"])
def test_a_damaged_store_is_moved_aside_and_rebuilt_at_start(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir = tmp_path / "state"
    store = Store.open(state_dir)
    store.seed_from_snapshot()
    store.close()
    damaged = damage(state_dir / FILE_NAME, how)
    caplog.set_level(logging.INFO)
    api = generate_region("dortmund", ("de", "en"), 12, 2, 2, version=9)
    with ApiServer(api.routes) as server:

        async def drive(pilot: Pilot[object]) -> None:
            app = pilot.app
            assert isinstance(app.screen, WelcomeScreen)
            assert "Westerfilder Straße 54" in screen_text(app), "the bundled office, from the rebuilt store"
            syncer = app.runtime.syncer  # type: ignore[attr-defined]
            report = await syncer.run_once()
            assert report is not None and report.ok, report
            assert " v9" in await open_topics(pilot), "the API's content, stored in the new file"

        run_kiosk_headless(monkeypatch, kiosk_settings(state_dir, server.url), drive)
    aside = [path for path in state_dir.iterdir() if ".corrupt-" in path.name]
    assert [path.read_bytes() for path in aside if path.name.endswith(tuple("0123456789"))] == [damaged]
    reopened = Store.open(state_dir)
    assert reopened.integrity_ok() and reopened.counts("dortmund")["de"]["pages"] == 12
    reopened.close()
    moved = [r for r in caplog.records if "damaged" in r.getMessage()]
    assert len(moved) == 1 and moved[0].levelno == logging.ERROR


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """``directory`` and its files cannot be written, even by root (who gets a read-only bind mount)."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [directory, *directory.iterdir()]}
        for path, mode in modes.items():
            path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if not _mount("--bind", str(directory), str(directory)):
        pytest.skip("running as root without the right to mount: cannot make a directory read-only")
    try:
        if not _mount("-o", "remount,bind,ro", str(directory)):
            pytest.skip("cannot remount a bind mount read-only here")
        yield
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


@contextlib.contextmanager
def small_disk(directory: Path, size: str = "4m") -> Iterator[None]:
    """A file system of ``size`` mounted at ``directory`` (root with mount rights only)."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)):
        pytest.skip("needs root with the right to mount a tmpfs, to fill a disk for real")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def fill(directory: Path) -> Path:
    """Write a file until the disk is full; remove it to free the space again."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as handle:
        for block in (65536, 4096, 512, 1):  # to the last byte: SQLite must not find a free page
            try:
                while True:
                    handle.write(b"\0" * block)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    return filler


def synced_store(state_dir: Path, server: ApiServer) -> None:
    """The store as a kiosk that has run a while leaves it: the snapshot, then a round from the API."""
    store = Store.open(state_dir)
    store.seed_from_snapshot()
    report = asyncio.run(sync_once(kiosk_settings(state_dir, server.url), store))
    assert report.ok, report
    store.close()


def problems_by_file(caplog: pytest.LogCaptureFixture, state_dir: Path) -> dict[str, int]:
    """How many warning or error lines name each file in the state directory."""
    counts: dict[str, int] = {}
    for record in caplog.records:
        if record.levelno >= logging.WARNING:
            for name in set(re.findall(rf"{re.escape(str(state_dir))}/([\w.-]+)", record.getMessage())):
                counts[name] = counts.get(name, 0) + 1
    return counts


def test_a_read_only_state_directory_keeps_the_content_on_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir = tmp_path / "state"
    with ApiServer(generate_region("dortmund", ("de", "en"), 12, 2, 2, version=1).routes) as server:
        synced_store(state_dir, server)
        server.set_routes(generate_region("dortmund", ("de", "en"), 12, 2, 2, version=2).routes)
        caplog.set_level(logging.INFO)

        async def drive(pilot: Pilot[object]) -> None:
            app = pilot.app
            assert isinstance(app.screen, WelcomeScreen)
            assert " v1" in await open_topics(pilot)
            for _ in range(3):
                report = await app.runtime.syncer.run_once()  # type: ignore[attr-defined]
                assert report is not None and {p.kind for p in report.errors} == {"store"}
            await pilot.press("escape", "1")
            await pilot.pause()
            assert " v1" in screen_text(app), "the last good content stays"
            assert app.is_running

        with read_only(state_dir):
            run_kiosk_headless(monkeypatch, kiosk_settings(state_dir, server.url), drive)
            doctor = check_directory("state", state_dir)  # and ``kiosk doctor`` says so too
            assert doctor.status == "FAIL" and "not writable" in doctor.reason
    problems = problems_by_file(caplog, state_dir)
    assert problems.get(FILE_NAME) == 1, caplog.text
    assert all(count == 1 for count in problems.values()), problems


@pytest.mark.parametrize("fills", ["before the start", "while it runs"])
def test_a_full_disk_keeps_the_content_on_screen_and_recovers(
    fills: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir = tmp_path / "state"
    with (
        small_disk(state_dir),
        ApiServer(generate_region("dortmund", ("de", "en"), 12, 2, 2).routes) as server,
    ):
        synced_store(state_dir, server)
        server.set_routes(generate_region("dortmund", ("de", "en"), 12, 2, 2, version=2).routes)
        filler = fill(state_dir) if fills == "before the start" else state_dir / "filler"
        caplog.set_level(logging.INFO)

        async def drive(pilot: Pilot[object]) -> None:
            app = pilot.app
            syncer = app.runtime.syncer  # type: ignore[attr-defined]
            assert " v1" in await open_topics(pilot), "the stored content, not the bundled one"
            if not filler.exists():
                fill(state_dir)
            for _ in range(3):
                report = await syncer.run_once()
                assert report is not None and {p.kind for p in report.errors} == {"store"}
            await pilot.press("escape", "1")
            await pilot.pause()
            assert " v1" in screen_text(app)
            filler.unlink()
            report = await syncer.run_once()
            assert report is not None and report.ok, report
            await pilot.press("escape", "1")
            await pilot.pause()
            assert " v2" in screen_text(app), "new content once the disk has room again"

        if fills == "before the start":
            doctor = check_directory("state", state_dir)
            assert doctor.status != "OK" and "0 MiB free" in doctor.reason, doctor  # ``kiosk doctor`` too
        run_kiosk_headless(monkeypatch, kiosk_settings(state_dir, server.url), drive)
    assert problems_by_file(caplog, state_dir).get(FILE_NAME) == 1, caplog.text
    assert sum("writable again" in r.getMessage() for r in caplog.records) == 1


# -- translation catalogs --------------------------------------------------------------------------

BUNDLED_TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def catalogs(tmp_path: Path, broken: dict[str, bytes | None]) -> Path:
    """The bundled catalogs copied, with ``broken`` ones replaced by these bytes (None: left out)."""
    directory = tmp_path / "translations"
    shutil.copytree(BUNDLED_TRANSLATIONS, directory)
    for code, data in broken.items():
        po = directory / code / "LC_MESSAGES" / "kiosk.po"
        if data is None:
            shutil.rmtree(directory / code)
        else:
            po.write_bytes(data)
    return directory


async def home_title(pilot: Pilot[object], key: str) -> str:
    """The home screen's title after choosing the language numbered ``key`` on the welcome screen."""
    await pilot.press("x", key)
    await pilot.pause()
    title = str(pilot.app.screen.query_one("#title", Prose).text)
    await pilot.press("escape")  # nothing to go back to on the home screen; stays
    return title


@pytest.mark.parametrize(
    "damage",
    [
        b'msgid "How can we help you?"\nmsgstr "Wie k\xf6nnen',
        b'msgid "x"\nmsgstr "unterminated',
        b"\x00\xff" * 64,
    ],
    ids=["not UTF-8", "syntax error", "binary"],
)
def test_a_corrupt_catalog_falls_back_to_english_and_says_so(
    damage: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    directory = catalogs(tmp_path, {"de": damage})
    settings = kiosk_settings(tmp_path / "state", languages=["de", "en", "uk"]).model_copy(
        update={
            "paths": Settings(paths={"state_dir": tmp_path / "state", "translations_dir": directory}).paths
        }
    )
    caplog.set_level(logging.INFO)
    titles: list[str] = []

    async def drive(pilot: Pilot[object]) -> None:
        titles.append(await home_title(pilot, "1"))  # Deutsch
        await pilot.press("f2", "3")  # Українська still has its own catalog
        await pilot.pause()
        titles.append(str(pilot.app.screen.query_one("#title", Prose).text))

    run_kiosk_headless(monkeypatch, settings, drive)
    assert titles[0] == "How can we help you?"
    assert titles[1] not in ("How can we help you?", "Wie können wir Ihnen helfen?")
    said = [r for r in caplog.records if "de/LC_MESSAGES/kiosk.po" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING, caplog.text


def test_a_missing_catalog_falls_back_to_english_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    directory = catalogs(tmp_path, {"de": None})
    settings = kiosk_settings(tmp_path / "state", languages=["de", "en"]).model_copy(
        update={
            "paths": Settings(paths={"state_dir": tmp_path / "state", "translations_dir": directory}).paths
        }
    )
    caplog.set_level(logging.INFO)
    titles: list[str] = []

    async def drive(pilot: Pilot[object]) -> None:
        titles.append(await home_title(pilot, "1"))

    run_kiosk_headless(monkeypatch, settings, drive)
    assert titles == ["How can we help you?"]
    said = [
        message
        for message in (r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
        if re.search(r"\bde\b", message) and ("catalog" in message.lower() or "kiosk.po" in message)
    ]
    assert len(said) == 1, caplog.text
