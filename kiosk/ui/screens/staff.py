"""Staff mode (after the PIN pad): one screen that says how the kiosk is doing, with a few actions.

Staff mode ends like any visitor session: on idle.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button

import kiosk
from kiosk.i18n import _, ngettext
from kiosk.i18n.catalogs import catalog_path, translations_dir
from kiosk.i18n.catalogs import reload as reload_catalogs
from kiosk.i18n.formatting import format_datetime, format_relative
from kiosk.i18n.locales import native_name
from kiosk.ops.doctor import Check, catalog_check, catalog_completeness, check_api
from kiosk.store import StoreError
from kiosk.sync.status import content_age
from kiosk.ui.screens.base import close, on_stack
from kiosk.ui.widgets.text import Prose, visual

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)


def usage_today(usage: object, today: date) -> dict[str, int] | None:
    """Today's counts per event (and ``language:<code>`` per language chosen); None if not available."""
    store: Any = getattr(usage, "store", None)
    if not callable(getattr(store, "counts", None)):
        return None
    flush = getattr(usage, "flush", None)
    if callable(flush):
        flush()  # the last minute's counts too
    totals: Counter[str] = Counter()
    for row in store.counts(today, today):
        totals[str(row.event)] += int(row.n)
        if row.event == "language" and row.language:
            totals[f"language:{row.language}"] += int(row.n)
    return dict(totals)


class StaffScreen(Screen[None]):
    """Version, content and its age, refresh and API state, translations, today's use; and actions."""

    DEFAULT_CSS = """
    StaffScreen { background: $background; }
    #staff-body { height: 1fr; padding: 0 1; }
    #staff-body Prose { margin: 0; }
    #staff-body .staff-heading { color: $accent; text-style: bold; margin: 1 0 0 0; }
    #staff-body .staff-problem { color: $warning; }
    #staff-actions {
        dock: bottom; height: auto; background: $panel; grid-size: 2; grid-rows: 3; grid-gutter: 0 1;
    }
    #staff-actions Button { width: 1fr; height: 3; }
    """
    BINDINGS = [Binding("escape", "leave", show=False)]

    def __init__(self) -> None:
        super().__init__(id="staff")
        self.api_line: str | None = None
        self.sync_line: str | None = None
        self.usage: dict[str, int] | None = None
        self.usage_checked = False
        self.translation_problems: list[str] = []

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="staff-body"):
            yield self._line(_("Staff mode · kiosk version {version}").format(version=kiosk.__version__), "h")
            yield self._line(_("Content"), "h")
            yield from self._content_lines()
            yield self._line(_("Last refresh"), "h")
            yield self._line(self.sync_line or self._last_refresh())
            yield self._line(_("Content API"), "h")
            yield self._line(self.api_line or _("Checking…"))
            yield self._line(_("Translations"), "h")
            yield from self._translation_lines()
            yield self._line(_("Today"), "h")
            yield from self._usage_lines()
        with Grid(id="staff-actions"):
            yield Button(visual(_("Refresh content now")), id="staff-refresh")
            yield Button(visual(_("Reload translations")), id="staff-reload")
            yield Button(visual(_("Restart the kiosk")), id="staff-restart", variant="warning")
            yield Button(visual(_("Leave staff mode")), id="staff-leave", variant="primary")

    @staticmethod
    def _line(text: str, kind: str = "") -> Prose:
        classes = {"h": "staff-heading", "!": "staff-problem"}.get(kind)
        return Prose(text, classes=classes)

    def on_mount(self) -> None:
        self.query_one("#staff-leave", Button).focus()
        self.check_api_now()
        self.read_usage()

    # -- what the screen says -----------------------------------------------------------------------
    def _content_lines(self) -> list[Prose]:
        app = self.kiosk
        store = app.runtime.store
        if store is None:
            return [self._line(_("No content store: the bundled content is shown."), "!")]
        now = app.clock()
        lines = []
        for code in app.settings.display.languages:
            try:
                status = content_age(store, app.settings.api.region, code)
            except StoreError as error:
                return [self._line(_("The content store cannot be read: {error}").format(error=error), "!")]
            name = f"{code} ({native_name(code)})"
            shown = code in app.content.by_language
            if status.fetched_at is None or not shown:
                lines.append(self._line(_("{language}: no content").format(language=name), "!"))
                continue
            age = format_relative(status.fetched_at, now)
            if status.source == "snapshot":
                text = _("{language}: bundled snapshot, {age}").format(language=name, age=age)
            else:
                text = _("{language}: from the city API, confirmed {age}").format(language=name, age=age)
            lines.append(self._line(text))
        return lines

    def _last_refresh(self) -> str:
        syncer = self.kiosk.runtime.syncer
        if syncer is None:
            return _("No content API configured: nothing to refresh.")
        report = syncer.last_report
        if report is None:
            return _("No refresh since the kiosk started.")
        if report.ok:
            return _("All fine; {n} language(s) with new content.").format(n=len(report.changed))
        first = report.errors[0]
        return ngettext(
            "{n} problem, e.g. {resource}: {error}",
            "{n} problems, e.g. {resource}: {error}",
            len(report.errors),
        ).format(n=len(report.errors), resource=first.resource, error=first.message)

    def _translation_lines(self) -> list[Prose]:
        directory = translations_dir()
        lines = [self._line(problem, "!") for problem in self.translation_problems]
        for code in self.kiosk.settings.display.languages:
            check = catalog_check(directory, code)
            counts = catalog_completeness(directory, code)
            if check.status == "FAIL":
                path = catalog_path(directory, code)
                text, kind = _("{code}: cannot be used ({path})").format(code=code, path=path), "!"
            elif counts is None:
                text, kind = _("{code}: no catalog, English is shown").format(code=code), "!"
            else:
                text = _("{code}: {percent}% translated").format(code=code, percent=counts.percent)
                kind = "" if check.status == "OK" else "!"
            lines.append(self._line(text, kind))
        return lines

    def _usage_lines(self) -> list[Prose]:
        if not self.usage_checked:
            return [self._line(_("Counting…"))]
        counts = self.usage
        if counts is None:
            return [self._line(_("Usage statistics are not available on this kiosk."))]
        lines = [
            _("Visitors (sessions): {n}").format(n=counts.get("session", 0)),
            _("Topics opened: {n} · events: {events} · places: {places}").format(
                n=counts.get("topic", 0), events=counts.get("event", 0), places=counts.get("place", 0)
            ),
            _("QR codes shown: {n} · searches: {searches} · idle resets: {idle}").format(
                n=counts.get("qr", 0), searches=counts.get("search", 0), idle=counts.get("idle_reset", 0)
            ),
        ]
        chosen = sorted(
            ((key.removeprefix("language:"), n) for key, n in counts.items() if key.startswith("language:")),
            key=lambda pair: -pair[1],
        )
        if chosen:
            lines.append(_("Languages chosen: {list}").format(list=", ".join(f"{c} {n}" for c, n in chosen)))
        return [self._line(line) for line in lines]

    # -- background checks ----------------------------------------------------------------------------
    @work(exclusive=True, group="staff-api", exit_on_error=False)
    async def check_api_now(self) -> None:
        result: Check = await check_api(self.kiosk.settings, timeout_s=5.0)
        if self.kiosk.settings.api.base_url is None:
            self.api_line = _("No content API configured.")
        elif result.status == "FAIL":
            self.api_line = _("Not reachable: {why}").format(why=result.reason)
        else:
            self.api_line = _("Reachable: {what}").format(what=result.reason)
        await self.redraw()

    @work(exclusive=True, group="staff-usage", exit_on_error=False)
    async def read_usage(self) -> None:
        try:
            counts = await asyncio.to_thread(usage_today, self.kiosk.usage, self.kiosk.clock().date())
        except Exception:  # another part's statistics must never take staff mode down
            log.exception("today's usage counts cannot be read")
            counts = None
        self.usage = counts
        self.usage_checked = True
        await self.redraw()

    async def redraw(self) -> None:
        """Compose again with what is known now, keeping the focused action."""
        if not on_stack(self):
            return  # closed while a check was running
        focused = self.focused.id if self.focused is not None else None
        await self.recompose()
        target = self.query(f"#{focused}") if focused else None
        if target:
            target.first().focus()
        else:
            self.query_one("#staff-leave", Button).focus()

    # -- actions --------------------------------------------------------------------------------------
    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "staff-refresh":
            self.refresh_content()
        elif button == "staff-reload":
            await self.reload_translations()
        elif button == "staff-restart":
            self.restart_kiosk()
        elif button == "staff-leave":
            self.action_leave()

    @work(exclusive=True, group="staff-sync", exit_on_error=False)
    async def refresh_content(self) -> None:
        """One sync round now; new content reaches visitors at their next screen, as usual."""
        syncer = self.kiosk.runtime.syncer
        if syncer is None:
            self.sync_line = _("No content API configured: nothing to refresh.")
            await self.redraw()
            return
        self.sync_line = _("Refreshing…")
        await self.redraw()
        log.info("content refresh requested from the staff screen")
        report = await syncer.run_once()
        at = format_datetime(self.kiosk.clock(), "short")
        if report is None:
            self.sync_line = _("The refresh could not run ({time}); see the log.").format(time=at)
        else:
            self.sync_line = f"{at}: {self._last_refresh()}"
        await self.redraw()

    async def reload_translations(self) -> None:
        """Read every catalog again (a broken one is refused and the one in use stays)."""
        self.translation_problems = reload_catalogs()
        log.info("translations reloaded from the staff screen")
        await self.redraw()

    def restart_kiosk(self) -> None:
        """Exit; systemd (Restart=always) starts the kiosk again within seconds."""
        log.warning("restart requested from the staff screen")
        self.kiosk.runtime.notifier.status("restarting on staff request")
        self.app.exit(return_code=0)

    def action_leave(self) -> None:
        log.info("staff mode closed")
        close(self)
