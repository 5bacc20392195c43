"""``kiosk doctor``: one command that says what is wrong with this kiosk, as OK / WARN / FAIL lines.

Every check only looks: nothing is created, repaired or moved aside (a damaged store stays where it
is, for whoever investigates). The checks are plain functions so the staff screen can show the same.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from kiosk.clock import BERLIN
from kiosk.config import ConfigError, Settings, config_path, load_settings
from kiosk.i18n.catalogs import CatalogError, bundled_translations_dir, catalog_path, load_catalog
from kiosk.i18n.checks import PoSyntaxError, parse_po
from kiosk.sources.integreat.schema import parse_languages
from kiosk.speech.system import check_speech
from kiosk.store import FILE_NAME, Store, StoreError
from kiosk.sync.status import content_age

if TYPE_CHECKING:  # httpx is imported by the API check only: the staff screen loads this module too
    import httpx

Status = Literal["OK", "WARN", "FAIL"]
#: Content the API has not confirmed for this long is worth a look, whatever refresh_minutes says.
STALE_AFTER = timedelta(hours=24)
LOW_DISK_BYTES = 100 * 1024 * 1024
MIN_COLUMNS, MIN_LINES = 80, 24
SERVICE = "kiosk.service"
SystemdShow = Callable[[str], "Mapping[str, str] | str"]


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the doctor's table."""

    name: str
    status: Status
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "reason": self.reason}


def _worst(statuses: list[Status]) -> Status:
    return "FAIL" if "FAIL" in statuses else "WARN" if "WARN" in statuses else "OK"


def _age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


# -- configuration ------------------------------------------------------------------------------


def check_settings(load: Callable[[], Settings] = load_settings) -> tuple[Check, Settings | None]:
    """The configuration file and KIOSK_* variables validate; the settings when they do."""
    try:
        settings = load()
    except ConfigError as error:
        return Check("configuration", "FAIL", str(error)), None
    path = config_path()
    where = f"{path} is valid" if path else "no config file: built-in defaults and KIOSK_* variables"
    return Check("configuration", "OK", where), settings


def pin_hash_problem(stored: str) -> str | None:
    """Why ``stored`` cannot be a hash written by ``kiosk staff set-pin``; None when it looks right."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return "not in the scrypt$n$r$p$salt$hash format"
    if not all(part.isdigit() for part in parts[1:4]):
        return "its scrypt parameters are not numbers"
    n = int(parts[1])
    if n < 2 or n & (n - 1) or n > 2**20:
        return "its scrypt cost n is not a power of two up to 2**20"
    return None


def check_staff_pin(settings: Settings) -> Check:
    stored = settings.staff.pin_hash
    if not stored:
        return Check("staff PIN", "WARN", "not set: staff mode cannot be opened; run `kiosk staff set-pin`")
    if problem := pin_hash_problem(stored):
        return Check("staff PIN", "FAIL", f"[staff] pin_hash is {problem}; run `kiosk staff set-pin` again")
    return Check("staff PIN", "OK", "set (stored as a scrypt hash)")


# -- directories and the store ------------------------------------------------------------------


def check_directory(name: str, path: Path) -> Check:
    """``path`` is a directory this user can write to (or one it can create), with room to spare."""
    label = f"{name} dir"
    if not path.exists():
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is not None and parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return Check(label, "OK", f"{path} does not exist yet; the kiosk will create it")
        return Check(label, "FAIL", f"{path} does not exist and {_user()} cannot create it in {parent}")
    if not path.is_dir():
        return Check(label, "FAIL", f"{path} is not a directory")
    try:
        handle, probe = tempfile.mkstemp(prefix=".doctor-", dir=path)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        return Check(label, "FAIL", f"{path} is not writable by {_user()}: {error.strerror or error}")
    free = shutil.disk_usage(path).free
    if free < LOW_DISK_BYTES:
        return Check(label, "WARN", f"{path}: only {free // 2**20} MiB free")
    return Check(label, "OK", f"{path} is writable")


def check_store_integrity(state_dir: Path) -> Check:
    """SQLite's full ``PRAGMA integrity_check`` on the content store, opened read-only."""
    path = state_dir / FILE_NAME
    if not path.exists():
        return Check("store", "WARN", f"{path} does not exist yet: the kiosk starts from the bundled content")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = db.execute("PRAGMA integrity_check").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        return Check("store", "FAIL", f"{path}: {error}")
    found = [str(row[0]) for row in rows]
    if found != ["ok"]:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return Check("store", "FAIL", f"{path}: integrity_check: {found[0][:200]}{more}")
    return Check("store", "OK", f"{path} passes integrity_check")


_KINDS = (("pages", "pages"), ("events", "events"), ("locations", "places"))


def _language_check(store: Store, settings: Settings, code: str, now: datetime) -> Check:
    region = settings.api.region
    name = f"content {code}"
    counts = store.counts(region).get(code, {})
    if not any(counts.values()):
        return Check(name, "WARN", f"nothing stored for {region}/{code}: visitors choosing it see fallbacks")
    what = ", ".join(f"{counts.get(kind, 0)} {label}" for kind, label in _KINDS)
    status = content_age(store, region, code)
    when = status.fetched_at
    stamp = f"{when.astimezone(BERLIN):%Y-%m-%d %H:%M}" if when else "an unknown time"
    if status.source == "snapshot":
        if settings.api.base_url:
            return Check(name, "WARN", f"{what}; still the bundled snapshot ({stamp}), never from the API")
        return Check(name, "OK", f"{what}; the bundled snapshot ({stamp})")
    errors = sorted(
        f"{state.kind}: {state.last_error}"
        for state in store.states(region)
        if state.last_error and state.language == code
    )
    if status.last_error:
        errors.insert(0, f"server unreachable: {status.last_error}")
    age = f"confirmed {_age(now - when)} ago ({stamp})" if when else "never confirmed"
    if errors:
        return Check(name, "WARN", f"{what}; {age}; {errors[0]}")
    if when is None or now - when > STALE_AFTER:
        return Check(name, "WARN", f"{what}; {age}: older than {_age(STALE_AFTER)}")
    return Check(name, "OK", f"{what}; {age}")


def check_content(settings: Settings, now: datetime) -> list[Check]:
    """Per configured language: is there content, where from, and how old."""
    path = settings.paths.state_dir / FILE_NAME
    if not path.exists():
        return []  # check_store_integrity has said so
    try:
        store = Store(path)
    except StoreError as error:
        return [Check("content", "FAIL", str(error))]
    try:
        if settings.api.region not in store.regions():
            note = f"no content for region {settings.api.region!r} yet"
            return [Check("content", "WARN", f"{note}: the kiosk shows the bundled snapshot")]
        checks = [_language_check(store, settings, code, now) for code in settings.display.languages]
    except StoreError as error:
        return [Check("content", "FAIL", str(error))]
    finally:
        store.close()
    if all(check.reason.startswith("nothing stored") for check in checks):
        return [Check("content", "FAIL", f"no content at all for region {settings.api.region!r}")]
    return checks


# -- the city API -------------------------------------------------------------------------------


async def check_api(
    settings: Settings, *, timeout_s: float = 5.0, transport: httpx.AsyncBaseTransport | None = None
) -> Check:
    """One request for the region's languages, no retries, a short timeout."""
    base_url = settings.api.base_url
    if not base_url:
        return Check("API", "OK", "no content API configured: the kiosk shows the bundled content")
    timeout = min(timeout_s, settings.api.timeout_s)
    from kiosk.sources.integreat.client import FetchError, IntegreatClient, RetryPolicy

    client = IntegreatClient(
        base_url, settings.api.region, timeout, retry=RetryPolicy(attempts=1), transport=transport
    )
    try:
        async with client:
            fetched = await client.languages()
        languages = parse_languages(json.loads(fetched.body or b"[]"))
    except FetchError as error:
        return Check("API", "FAIL", f"{base_url}: {error}")
    except ValueError as error:
        return Check("API", "FAIL", f"{base_url}: the language list is not usable: {str(error)[:160]}")
    missing = [code for code in settings.display.languages if code not in {lang.code for lang in languages}]
    reachable = f"{base_url} answers: region {settings.api.region!r} offers {len(languages)} languages"
    if missing:
        return Check("API", "WARN", f"{reachable}, not {', '.join(missing)}")
    return Check("API", "OK", reachable)


# -- free slots ---------------------------------------------------------------------------------


async def check_slots(settings: Settings, *, timeout_s: float = 5.0) -> Check:
    """The slot source asked once for every configured service (see ``kiosk slots``)."""
    from kiosk.slots.report import WHY, ask_slots

    if not settings.slots.enabled:
        return Check("free slots", "OK", "no slot source configured: the kiosk shows no free appointments")
    report = await ask_slots(settings.slots, timeout_s=timeout_s)
    problems = [a for a in report.answers if a.unavailable is not None]
    if not problems:
        found = sum(1 for a in report.answers if a.days)
        return Check(
            "free slots", "OK", f"{report.api}: {found} of {len(report.answers)} services have free days"
        )
    first = problems[0]
    why = f"service {first.service_id}: {WHY[first.unavailable or 'malformed']}"
    return Check(
        "free slots", "WARN", f"{len(problems)} of {len(report.answers)} services without an answer; {why}"
    )


# -- translations -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Completeness:
    """How far a catalog is translated: messages of the template (or the catalog) and their state."""

    code: str
    total: int
    translated: int
    fuzzy: int

    @property
    def untranslated(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def percent(self) -> int:
        return 100 * self.translated // self.total if self.total else 100


def catalog_completeness(directory: Path, code: str) -> Completeness | None:
    """Counts from ``<code>/LC_MESSAGES/kiosk.po`` against ``kiosk.pot``; None without a readable .po."""
    try:
        entries = parse_po(catalog_path(directory, code).read_text(encoding="utf-8")).entries
    except (OSError, UnicodeDecodeError, PoSyntaxError, ValueError):
        return None
    done = {(e.context, e.msgid) for e in entries if not e.fuzzy and e.strings and all(e.strings)}
    fuzzy = {(e.context, e.msgid) for e in entries if e.fuzzy}
    wanted = {(e.context, e.msgid) for e in entries}
    try:
        template = parse_po((directory / "kiosk.pot").read_text(encoding="utf-8")).entries
        wanted = {(e.context, e.msgid) for e in template}
    except (OSError, UnicodeDecodeError, PoSyntaxError, ValueError):
        pass  # no template: the catalog's own messages are the measure
    return Completeness(code, len(wanted), len(done & wanted), len(fuzzy & wanted))


def catalog_check(directory: Path, code: str) -> Check:
    """Whether the kiosk can load ``code``'s catalog, and how complete it is."""
    name = f"translation {code}"
    try:
        loaded = load_catalog(directory, code)
    except CatalogError as error:
        return Check(name, "FAIL", f"{catalog_path(directory, code)}: {error}")
    if loaded is None:
        if code == "en":
            return Check(name, "OK", "no catalog: the messages are written in English")
        return Check(name, "WARN", "no catalog: visitors choosing it read English")
    if loaded.source.suffix == ".po" and not loaded.singular and not loaded.plural:
        return Check(name, "FAIL", f"{loaded.source}: no usable translation in it")
    counts = catalog_completeness(directory, code)
    if counts is None:
        return Check(name, "OK", f"{loaded.source} loads (no .po to measure)")
    summary = f"{counts.percent}% translated"
    pairs = ((counts.untranslated, "untranslated"), (counts.fuzzy, "fuzzy"))
    todo = [f"{n} {what}" for n, what in pairs if n]
    if loaded.ignored:
        todo.append(f"{len(loaded.ignored)} ignored, e.g. {loaded.ignored[0]}")
    if todo:
        return Check(name, "WARN", f"{summary} ({', '.join(todo)})")
    return Check(name, "OK", f"{summary} ({counts.total} messages)")


def check_translations(settings: Settings) -> list[Check]:
    directory = settings.paths.translations_dir or bundled_translations_dir()
    if not directory.is_dir():
        return [Check("translations", "FAIL", f"translations_dir {directory} is not a directory")]
    return [catalog_check(directory, code) for code in settings.display.languages]


# -- where it runs ------------------------------------------------------------------------------


def check_terminal(
    stream: TextIO, environ: Mapping[str, str], size: Callable[[], os.terminal_size] | None = None
) -> Check | None:
    """TERM, colours, size and encoding of the terminal ``stream`` is on; None when it is not a tty."""
    try:
        if not stream.isatty():
            return None
        columns, lines = (size or (lambda: os.get_terminal_size(stream.fileno())))()
    except (OSError, ValueError):
        return None
    term = environ.get("TERM", "")
    found: list[tuple[Status, str]] = []
    if term in ("", "dumb"):
        found.append(("FAIL", f"TERM={term or '(unset)'}: no full-screen terminal"))
    elif environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        found.append(("OK", f"TERM={term}, truecolour"))
    elif "256color" in term:
        found.append(("OK", f"TERM={term}, 256 colours"))
    else:
        found.append(("WARN", f"TERM={term}: perhaps 8 colours; the contrast themes want 256"))
    small = columns < MIN_COLUMNS or lines < MIN_LINES
    found.append(("WARN" if small else "OK", f"{columns}x{lines}" + (" (under 80x24)" if small else "")))
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    utf8 = encoding == "utf8"
    found.append(("OK", "UTF-8") if utf8 else ("FAIL", f"encoding {encoding or '?'}, not UTF-8"))
    return Check("terminal", _worst([status for status, _ in found]), ", ".join(text for _, text in found))


def systemctl_show(unit: str) -> Mapping[str, str] | str:
    """``systemctl show`` properties of ``unit``, or why they cannot be had."""
    properties = "LoadState,ActiveState,SubState,Type,WatchdogUSec,NRestarts"
    if shutil.which("systemctl") is None:
        return "systemctl not found: this is not a systemd machine"
    try:
        done = subprocess.run(
            ["systemctl", "show", unit, f"--property={properties}"],
            capture_output=True, text=True, timeout=5, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"systemctl failed: {error}"
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or [f"systemctl exited with {done.returncode}"])[0]
    return dict(line.partition("=")[::2] for line in done.stdout.splitlines() if "=" in line)


def check_systemd(show: SystemdShow = systemctl_show) -> Check:
    """kiosk.service is installed, running, and has a watchdog that restarts a frozen kiosk."""
    found = show(SERVICE)
    if isinstance(found, str):
        return Check("systemd", "WARN", f"{found}; nothing restarts a crashed or frozen kiosk")
    if found.get("LoadState") != "loaded":
        return Check("systemd", "WARN", f"{SERVICE} is not installed ({found.get('LoadState', '?')})")
    state = f"{found.get('ActiveState', '?')} ({found.get('SubState', '?')})"
    if found.get("ActiveState") == "failed":
        return Check("systemd", "FAIL", f"{SERVICE} has failed: see journalctl -u kiosk")
    watchdog = found.get("WatchdogUSec", "0")
    if watchdog in ("", "0", "infinity"):
        return Check("systemd", "WARN", f"{SERVICE} is {state} without a watchdog (WatchdogSec=)")
    if found.get("Type") != "notify":
        kind = found.get("Type")
        return Check("systemd", "WARN", f"{SERVICE} is Type={kind}: its READY and WATCHDOG are ignored")
    restarts = found.get("NRestarts", "0")
    described = f"{SERVICE} is {state}, watchdog {watchdog}, {restarts} restart(s)"
    return Check("systemd", "OK" if found.get("ActiveState") == "active" else "WARN", described)


def check_printer(settings: Settings) -> Check:
    """Whether the receipt printer answers, and how it is (paper, cover), with the slip font installed."""
    from kiosk.printing.device import describe_state, known_profile, printer_state
    from kiosk.printing.fonts import FontMissing, load_fonts

    if not settings.printer.enabled:
        return Check("printer", *describe_state(settings.printer, printer_state(settings.printer)))
    try:
        load_fonts()
    except FontMissing as missing:
        return Check("printer", "FAIL", str(missing))
    if not known_profile(settings.printer.profile):
        return Check(
            "printer",
            "FAIL",
            f"[printer] profile {settings.printer.profile!r} is not a python-escpos profile",
        )
    return Check("printer", *describe_state(settings.printer, printer_state(settings.printer)))


def check_speech_output(settings: Settings, environ: Mapping[str, str]) -> Check:
    """Reading aloud can work: espeak-ng, a voice for every language offered, a way to the speakers."""
    speech = settings.speech
    found = check_speech(speech.enabled, speech.player, settings.display.languages, environ=environ)
    if not speech.enabled:
        return Check("speech", "WARN", "switched off ([speech] enabled = false): the kiosk cannot read aloud")
    if found.problems:
        return Check("speech", "WARN", f"{found.reason}; the Read aloud button says speech is unavailable")
    player = found.player.name if found.player else "?"
    return Check(
        "speech",
        "OK",
        f"{found.engine}, voices for all {len(settings.display.languages)} languages, audio via {player}",
    )


# -- all together -------------------------------------------------------------------------------


def run_checks(
    *,
    now: datetime,
    stream: TextIO,
    environ: Mapping[str, str],
    systemd: SystemdShow = systemctl_show,
    api_timeout_s: float = 5.0,
    terminal_size: Callable[[], os.terminal_size] | None = None,
) -> list[Check]:
    """Every check, in the order the table shows them."""
    config, settings = check_settings()
    checks = [config]
    if settings is not None:
        checks.append(check_staff_pin(settings))
        checks.append(check_directory("state", settings.paths.state_dir))
        checks.append(check_directory("cache", settings.paths.cache_dir))
        checks.append(check_store_integrity(settings.paths.state_dir))
        if checks[-1].status != "FAIL":
            checks.extend(check_content(settings, now))
        checks.append(asyncio.run(check_api(settings, timeout_s=api_timeout_s)))
        checks.append(asyncio.run(check_slots(settings, timeout_s=api_timeout_s)))
        checks.extend(check_translations(settings))
        checks.append(check_printer(settings))
        checks.append(check_speech_output(settings, environ))
    terminal = check_terminal(stream, environ, terminal_size)
    if terminal is not None:
        checks.append(terminal)
    checks.append(check_systemd(systemd))
    return checks
