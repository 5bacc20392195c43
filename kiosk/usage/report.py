"""The office's view of the usage counts: sessions per day, languages, topics, busy hours, feedback.

Pure functions over the stored hourly counts, so ``kiosk stats`` and the staff screen share them.
Titles come from the CMS: every one is made inert before it is printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kiosk.content.text import one_line
from kiosk.i18n.locales import name_in
from kiosk.usage.store import HourCount, Waiting

TOP_TOPICS = 5
TOP_NOT_HELPFUL = 5
BAR_WIDTH = 30
HELPFUL = "helpful"  # the count of a "Yes" (item: what was rated)
NOT_HELPFUL = "not_helpful"


@dataclass
class UsageReport:
    """What happened between ``first`` and ``last`` (both included)."""

    first: date
    last: date
    sessions_by_day: dict[str, int] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    topics: dict[str, Counter[str]] = field(default_factory=dict)  # language -> title -> n
    sessions_by_hour: Counter[int] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)  # event -> n
    qr_kinds: Counter[str] = field(default_factory=Counter)
    not_helpful: Counter[str] = field(default_factory=Counter)
    waiting: int = 0
    waiting_since: str | None = None
    waiting_problems: Counter[str] = field(default_factory=Counter)

    @property
    def sessions(self) -> int:
        return self.totals["session"]

    def language_share(self, code: str) -> float:
        total = sum(self.languages.values())
        return self.languages[code] / total if total else 0.0


def build_report(
    rows: Iterable[HourCount], waiting: Iterable[Waiting], first: date, last: date
) -> UsageReport:
    """Gather the hourly counts of the period and the outbox into one report."""
    report = UsageReport(first, last)
    for row in rows:
        if not first.isoformat() <= row.day <= last.isoformat():
            continue
        report.totals[row.event] += row.n
        if row.event == "session":
            report.sessions_by_day[row.day] = report.sessions_by_day.get(row.day, 0) + row.n
            report.sessions_by_hour[row.hour] += row.n
        elif row.event == "language":
            report.languages[row.language] += row.n
        elif row.event == "topic":
            report.topics.setdefault(row.language, Counter())[row.item] += row.n
        elif row.event == "qr":
            report.qr_kinds[row.item or "?"] += row.n
        elif row.event == NOT_HELPFUL:
            report.not_helpful[row.item] += row.n
    for item in waiting:
        report.waiting += 1
        if report.waiting_since is None or item.given_hour < report.waiting_since:
            report.waiting_since = item.given_hour
        if item.last_error:
            report.waiting_problems[one_line(item.last_error)[:120]] += 1
    return report


def _language(code: str) -> str:
    if not code:
        return "(none)"
    try:
        return f"{code}  {name_in(code, 'en')}"
    except Exception:  # an odd code from an old file must not stop the report
        return code


def render_table(report: UsageReport) -> str:
    """The report as plain text for a terminal or an e-mail."""
    lines = [f"Kiosk usage {report.first.isoformat()} to {report.last.isoformat()} (Berlin time)", ""]
    days = (report.last - report.first).days + 1

    lines.append("Sessions per day")
    for day, n in sorted(report.sessions_by_day.items()):
        lines.append(f"  {day} {date.fromisoformat(day).strftime('%a')}  {n:6d}")
    lines.append(
        f"  total           {report.sessions:6d}   ({report.sessions / days:.1f} a day over {days} days)"
    )

    lines += ["", "Languages chosen"]
    for code, n in report.languages.most_common():
        lines.append(f"  {_language(code):28} {n:6d}  {report.language_share(code):4.0%}")
    if not report.languages:
        lines.append("  none")

    lines += ["", f"Top topics per language (up to {TOP_TOPICS})"]
    by_views = sorted(report.topics.items(), key=lambda entry: -sum(entry[1].values()))
    for code, titles in by_views:
        lines.append(f"  {_language(code)}")
        lines += [f"    {n:6d}  {one_line(title)}" for title, n in titles.most_common(TOP_TOPICS)]
    if not report.topics:
        lines.append("  none")

    lines += ["", "Busiest hours (sessions started)"]
    busiest = max(report.sessions_by_hour.values(), default=0)
    for hour in sorted(report.sessions_by_hour):
        n = report.sessions_by_hour[hour]
        bar = "#" * max(1, round(BAR_WIDTH * n / busiest))
        lines.append(f"  {hour:02d}:00-{(hour + 1) % 24:02d}:00 {n:6d}  {bar}")
    if not busiest:
        lines.append("  none")

    totals = report.totals
    lines += [
        "",
        "Also counted",
        f"  events opened {totals['event']}, places opened {totals['place']}, searches {totals['search']}, "
        f"idle resets {totals['idle_reset']}",
        f"  read aloud (speech sessions) {totals['speech']}",
        "  QR codes shown: "
        + (", ".join(f"{one_line(kind)} {n}" for kind, n in sorted(report.qr_kinds.items())) or "none"),
    ]

    lines += ["", 'Feedback "Was this helpful?"', f"  yes {totals[HELPFUL]}, no {totals[NOT_HELPFUL]}"]
    if report.not_helpful:
        lines.append('  most "no" answers:')
        lines += [
            f"    {n:6d}  {one_line(item)}" for item, n in report.not_helpful.most_common(TOP_NOT_HELPFUL)
        ]
    if report.waiting:
        lines.append(f"  waiting to be sent: {report.waiting} (the oldest given {report.waiting_since}:00)")
        for problem, n in report.waiting_problems.most_common(3):
            lines.append(f"    {n} last failed with: {problem}")
    else:
        lines.append("  waiting to be sent: none")
    return "\n".join(lines) + "\n"


__all__ = ["HELPFUL", "NOT_HELPFUL", "UsageReport", "build_report", "render_table"]
