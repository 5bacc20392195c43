"""`kiosk stats`: the office's table and the CSV for a spreadsheet, from the usage file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.cli.stats import stats_command
from kiosk.clock import BERLIN
from kiosk.config import Settings
from kiosk.usage.outbox import FeedbackOutbox
from kiosk.usage.store import FILE_NAME, CountKey, UsageStore

TODAY = date(2026, 11, 23)


@pytest.fixture
def state_dir(settings: Settings) -> Path:
    """A usage file with four days of counts, two answers waiting (one after a failed try)."""
    store = UsageStore.open(settings.paths.state_dir, clock=lambda: datetime(2026, 11, 22, 15, tzinfo=BERLIN))
    counts = {
        CountKey("2026-11-10", 9, "session", "fa"): 5,  # before the period asked for
        CountKey("2026-11-20", 9, "session", "de"): 2,
        CountKey("2026-11-20", 9, "language", "de"): 2,
        CountKey("2026-11-20", 9, "topic", "de", "Schule"): 2,
        CountKey("2026-11-23", 10, "session", "uk"): 3,
        CountKey("2026-11-23", 10, "language", "uk"): 4,
        CountKey("2026-11-23", 11, "session", "ar"): 1,
        CountKey("2026-11-23", 11, "language", "ar"): 1,
        CountKey("2026-11-23", 10, "topic", "uk", "Anmeldung"): 3,
        CountKey("2026-11-23", 10, "topic", "uk", "Kita\x1b]0;pwned\x07"): 1,
        CountKey("2026-11-23", 10, "topic", "uk", '=HYPERLINK("http://x")'): 1,
        CountKey("2026-11-23", 10, "qr", "", "page"): 2,
        CountKey("2026-11-23", 11, "qr", "", "phone"): 1,
        CountKey("2026-11-23", 11, "search"): 4,
        CountKey("2026-11-23", 11, "idle_reset"): 1,
        CountKey("2026-11-23", 11, "place", "uk", "Caritas"): 2,
        CountKey("2026-11-23", 11, "event", "uk", "Sprachcafé"): 1,
    }
    store.add_counts(counts)
    outbox = FeedbackOutbox(store, "dortmund", clock=lambda: datetime(2026, 11, 23, 10, tzinfo=BERLIN))
    outbox.give("page", "schule", "de", "up", title="Schule")
    outbox.give("page", "schule", "de", "up", title="Schule")
    outbox.give("page", "kita", "uk", "down", title="Kita")
    first = store.waiting()[0]
    store.delivered(first.id)
    store.postpone(store.waiting()[0].id, 0, "server answered 500")
    store.close()
    return settings.paths.state_dir


def run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = stats_command(args, today=TODAY, out=out)
    return code, out.getvalue()


def section(text: str, heading: str) -> list[str]:
    """The lines under ``heading`` up to the next blank line."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(heading))
    end = next((n for n in range(start + 1, len(lines)) if not lines[n].strip()), len(lines))
    return [line.strip() for line in lines[start + 1 : end]]


def test_the_table_answers_the_offices_questions(state_dir: Path) -> None:
    code, text = run(["--from", "2026-11-20", "--to", "2026-11-23"])
    assert code == 0
    assert "2026-11-20 to 2026-11-23" in text
    sessions = section(text, "Sessions per day")
    assert [re.split(r"\s+", line)[:3] for line in sessions[:-1]] == [
        ["2026-11-20", "Fri", "2"],
        ["2026-11-23", "Mon", "4"],
    ]
    assert re.match(r"total\s+6\s+\(1\.5 a day over 4 days\)", sessions[-1]), (
        "the fa sessions of 10 Nov are out"
    )

    languages = section(text, "Languages chosen")
    assert [line.split()[0] for line in languages] == ["uk", "de", "ar"], "most chosen first"
    assert languages[0].endswith("4   57%") and "Ukrainian" in languages[0]

    topics = section(text, "Top topics per language")
    assert topics[0].startswith("uk") and topics[1] == "3  Anmeldung"
    assert "1  Kita" in topics, "the terminal escape in the title is gone, the title stays"
    assert "\x1b" not in text and "\x07" not in text and "pwned" not in text
    assert topics.index("2  Schule") > topics.index("3  Anmeldung")

    hours = section(text, "Busiest hours")
    assert [line.split()[:2] for line in hours] == [
        ["09:00-10:00", "2"],
        ["10:00-11:00", "3"],
        ["11:00-12:00", "1"],
    ]
    assert hours[1].endswith("#" * 30), "the busiest hour has the full bar"

    also = " ".join(section(text, "Also counted"))
    assert "events opened 1, places opened 2, searches 4, idle resets 1" in also
    assert "QR codes shown: page 2, phone 1" in also

    feedback = section(text, 'Feedback "Was this helpful?"')
    assert feedback[0] == "yes 2, no 1"
    assert "1  Kita" in feedback
    assert "waiting to be sent: 2 (the oldest given 2026-11-23 10:00)" in feedback
    assert "1 last failed with: server answered 500" in feedback


def test_by_default_the_last_thirty_days_up_to_today(state_dir: Path) -> None:
    code, text = run([])
    assert code == 0
    assert "2026-10-25 to 2026-11-23" in text
    assert re.search(r"total\s+11\s", text), "10 Nov is within the last 30 days"


def test_csv_has_one_row_per_hour_and_thing_and_is_safe_in_a_spreadsheet(state_dir: Path) -> None:
    code, text = run(["--csv", "--from", "2026-11-23", "--to", "2026-11-23"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    assert set(rows[0]) == {"day", "hour", "event", "language", "item", "count"}
    assert {row["day"] for row in rows} == {"2026-11-23"}
    sessions = {
        (row["hour"], row["language"]): int(row["count"]) for row in rows if row["event"] == "session"
    }
    assert sessions == {("10", "uk"): 3, ("11", "ar"): 1}
    items = {row["item"] for row in rows if row["event"] == "topic"}
    assert '\'=HYPERLINK("http://x")' in items, "a formula from the CMS stays text"
    assert {row["event"] for row in rows} >= {"helpful", "not_helpful", "qr", "search", "idle_reset"}


def test_no_usage_file_yet_is_an_empty_report_and_creates_nothing(settings: Settings) -> None:
    code, text = run([])
    assert code == 0
    assert re.search(r"total\s+0\s", text) and "waiting to be sent: none" in text
    assert not (settings.paths.state_dir / FILE_NAME).exists()


@pytest.mark.parametrize(
    "args", [["--from", "23.11.2026"], ["--from", "2026-11-23", "--to", "2026-11-01"], ["--bogus"]]
)
def test_bad_arguments_exit_2(state_dir: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args)[0] == 2
    assert capsys.readouterr().err
