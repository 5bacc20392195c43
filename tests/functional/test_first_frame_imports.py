"""What the kiosk imports before its first frame: only what the welcome screen needs.

The `kiosk` command runs in a real pseudo-terminal on a store seeded from the bundled content; the
moment the welcome screen is up (before the background work starts) it writes down every module it
has imported and leaves. The network, printing, search, staff tools and the other screens come
later, so a lobby PC shows the welcome screen without waiting for them. No clock is read: what is
imported does not depend on how fast the machine is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.pty_start import run_in_pty, terminal_env

REPO = Path(__file__).resolve().parents[2]

# Writes sys.modules as the welcome screen has been drawn, then whether the garbage collector runs
# once the app has done what it does then, and leaves. Importing the app module first adds nothing:
# the `kiosk` command imports it before its first frame anyway.
LAUNCHER = """
import gc, os, sys
from kiosk.ui.app import KioskApp

listing = sys.argv[1]
shown = KioskApp._first_frame_shown

def first_frame_shown(app):
    modules = sorted(sys.modules)
    shown(app)
    with open(listing, "w", encoding="utf-8") as out:
        out.write("\\n".join([f"collecting={gc.isenabled()}", *modules]))
    os._exit(0)

KioskApp._first_frame_shown = first_frame_shown
from kiosk.cli import main
sys.argv = ["kiosk"]
raise SystemExit(main())
"""

#: Packages the first frame must not wait for.
LATER = (
    "httpx",  # the content refresh and the feedback sender
    "httpcore",
    "pydantic_settings",  # only for environment variables of unusual forms
    "PIL",  # the printed slip
    "escpos",
    "qrcode",  # take-home codes
    "tomlkit",  # the staff PIN
    "kiosk.search",
    "kiosk.sync.loop",
    "kiosk.slots.zms",
    "kiosk.printing",
    "kiosk.takehome",
    "kiosk.ops.doctor",
    "kiosk.ops.pin",
    "kiosk.usage.sender",
    "kiosk.ui.screens.topics",
    "kiosk.ui.screens.page",
    "kiosk.ui.screens.events",
    "kiosk.ui.screens.event",
    "kiosk.ui.screens.hours",
    "kiosk.ui.screens.offices",
    "kiosk.ui.screens.place",
    "kiosk.ui.screens.search",
    "kiosk.ui.screens.link",
    "kiosk.ui.screens.pin_pad",
    "kiosk.ui.screens.staff",
    "kiosk.ui.widgets.takehome_offers",
)


def modules_at_first_frame(tmp_path: Path) -> list[str]:
    config = tmp_path / "kiosk.toml"
    config.write_text('[api]\nbase_url = "https://cms.integreat-app.de"\n', encoding="utf-8")
    env = terminal_env(
        KIOSK_CONFIG=str(config),
        KIOSK_PATHS__STATE_DIR=str(tmp_path / "state"),
        KIOSK_PATHS__CACHE_DIR=str(tmp_path / "cache"),
        KIOSK_SPEECH__ENABLED="false",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    listing = tmp_path / "modules.txt"
    code, tail = run_in_pty([sys.executable, "-c", LAUNCHER, str(listing)], env=env, timeout_s=120)
    assert code == 0 and listing.exists(), f"the kiosk did not reach its first frame ({code}): {tail!r}"
    return listing.read_text(encoding="utf-8").split()


def test_the_first_frame_waits_for_no_network_printing_search_or_other_screens(tmp_path: Path) -> None:
    collecting, *modules = modules_at_first_frame(tmp_path)
    # `kiosk run` starts with the garbage collector off; a kiosk that never turned it on again would
    # grow over the days it runs.
    assert collecting == "collecting=True"
    assert "kiosk.ui.screens.welcome" in modules  # the listing is of a kiosk that drew its welcome
    early = [name for name in modules if any(name == p or name.startswith(p + ".") for p in LATER)]
    assert early == []


def test_the_other_screens_are_imported_when_first_opened() -> None:
    """Each route's screen module exists and gives the screen it names (so no visitor meets an
    ImportError on a screen nobody opened in the tests of the moment)."""
    from kiosk.ui.app import ROUTES

    script = (
        "from importlib import import_module\n"
        "from textual.screen import Screen\n"
        "from kiosk.ui.app import ROUTES\n"
        "for module, name in ROUTES.values():\n"
        "    assert issubclass(getattr(import_module(f'kiosk.ui.screens.{module}'), name), Screen)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO, timeout=120)
    assert len(ROUTES) >= 14
