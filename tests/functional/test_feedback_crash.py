"""Processes killed (SIGKILL) at random moments: no answer a visitor was thanked for is ever lost."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kiosk.usage.outbox import FeedbackOutbox
from kiosk.usage.store import FILE_NAME, UsageStore
from tests.support.feedback_server import FeedbackServer

REPO = Path(__file__).resolve().parents[2]

# Gives answers one after another and prints each number once give() has returned: the moment
# the kiosk would show the thanks.
GIVE = """
import sys
from pathlib import Path
from kiosk.usage.outbox import FeedbackOutbox
from kiosk.usage.store import UsageStore
outbox = FeedbackOutbox(UsageStore.open(Path(sys.argv[1])), "crashstadt")
for n in range(int(sys.argv[2]), int(sys.argv[3])):
    assert outbox.give("page", f"seite-{n:05d}", "de", "up" if n % 3 else "down")
    print(n, flush=True)
"""

# Sends until the outbox is empty, with short timeouts and waits.
SEND = """
import asyncio, sys
from pathlib import Path
from kiosk.usage.outbox import FeedbackOutbox
from kiosk.usage.sender import Backoff, FeedbackSender
from kiosk.usage.store import UsageStore

async def main() -> None:
    store = UsageStore.open(Path(sys.argv[1]))
    sender = FeedbackSender(FeedbackOutbox(store, "crashstadt"), sys.argv[2], timeout_s=2.0,
                            backoff=Backoff(first_wait_s=0.05, max_wait_s=0.2))
    while store.outbox_size():
        await sender.send_due()
        await asyncio.sleep(0.01)
    await sender.aclose()

asyncio.run(main())
"""


def python(code: str, *args: str, stdout: int | None = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIOSK_")}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=env, stdout=stdout,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def read_lines_until(process: subprocess.Popen[bytes], count: int, timeout: float = 120.0) -> list[str]:
    """The first ``count`` lines ``process`` prints (fewer if it ends first); fails after ``timeout``."""
    stream = process.stdout
    assert stream is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(_lines(stream, count)), daemon=True)
    reader.start()
    reader.join(timeout)
    assert not reader.is_alive(), f"{len(lines)} of {count} lines within {timeout:g} s"
    return lines


def _lines(stream: IO[bytes], count: int) -> Iterator[str]:
    for _ in range(count):
        line = stream.readline()
        if not line:
            return
        yield line.decode()


def intact(state_dir: Path) -> bool:
    db = sqlite3.connect(state_dir / FILE_NAME)
    try:
        return db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def test_every_answer_given_before_a_kill_is_on_disk(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    thanked: list[int] = []
    for run in range(5):
        first = run * 10_000
        process = python(GIVE, str(tmp_path), str(first), str(first + 5000), stdout=subprocess.PIPE)
        # Killed after a random number of answers, not after a random time: a loaded machine may not
        # even have started Python by then.
        given = read_lines_until(process, rng.randint(2, 400))
        process.kill()
        out, _ = process.communicate(timeout=60)
        thanked += [int(line) for line in [*given, *out.decode().split()]]
    assert len(thanked) > 8, "the runs got as far as giving answers"
    assert intact(tmp_path)
    store = UsageStore.open(tmp_path)
    on_disk = {int(w.feedback.slug.removeprefix("seite-")) for w in store.waiting(limit=10**6)}
    store.close()
    missing = sorted(set(thanked) - on_disk)
    assert not missing, f"thanked but lost: {missing[:10]}"


def test_a_sender_killed_at_random_against_a_flaky_server_delivers_everything(tmp_path: Path) -> None:
    store = UsageStore.open(tmp_path)
    outbox = FeedbackOutbox(store, "crashstadt")
    given = [f"seite-{n:03d}" for n in range(60)]
    for n, slug in enumerate(given):
        outbox.give("page", slug, ("de", "uk", "ar")[n % 3], "up" if n % 2 else "down")
    store.close()

    rng = random.Random(4711)
    kills = 0
    with FeedbackServer(hang_s=2.5) as server:
        server.chaos(20261123, {"500": 0.2, "503": 0.05, "reset": 0.1, "timeout": 0.03})
        for _ in range(10):
            process = python(SEND, str(tmp_path), server.url)
            try:
                process.wait(timeout=rng.uniform(0.3, 1.5))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
                kills += 1
                assert intact(tmp_path)
                continue
            assert process.returncode == 0
            break
        # The server recovers; an undisturbed run delivers whatever is left.
        server.heal()
        assert python(SEND, str(tmp_path), server.url).wait(timeout=120) == 0
        accepted = server.accepted

    assert kills >= 3, "the test killed the sender several times"
    arrived = Counter(r.slug for r in accepted)
    assert set(arrived) == set(given), f"lost: {sorted(set(given) - set(arrived))}"
    duplicates = sum(n - 1 for n in arrived.values())
    # Only a kill between the server's answer and the removal can repeat an answer, once per kill.
    assert duplicates <= kills
    ratings = {(r.slug, r.language, r.rating) for r in accepted}
    assert ("seite-004", "uk", "down") in ratings and ("seite-005", "ar", "up") in ratings
    reopened = UsageStore.open(tmp_path)
    assert reopened.outbox_size() == 0
    reopened.close()
