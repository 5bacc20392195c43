"""Real answers of Munich's ZMS citizen API at releases muc20, muc45 and the current muc47
(``conformance/zms``), served over HTTP on 127.0.0.1 by each ``routes-*.json`` scenario: the slot
source tells the releases apart by itself and finds the free days of each.

The upstream test data put every appointment in the year 3000, which the kiosk drops: these answers
give free days but never times (README of the folder).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from kiosk.cli.slots import slots_command
from kiosk.clock import BERLIN
from kiosk.config import load_settings
from kiosk.ops.doctor import check_slots
from kiosk.slots.zms import ZmsSlotSource
from tests.support.api_server import ApiServer, Reply, free_port_url, read_replies
from tests.support.conformance import conformance_dir
from tests.support.zms_server import ZmsServer

#: The day the upstream answers were made for (their startDate): 21 August 2024.
TODAY = datetime(2024, 8, 21, 9, 0, tzinfo=BERLIN)
OFFICE, SERVICE = 9999998, 1


def serve(scenario: str, **changes: bytes | Reply) -> ApiServer:
    folder = conformance_dir("zms")
    routes = read_replies(folder, f"routes-{scenario}.json")
    return ApiServer({**routes, **changes})


def slots(server: ApiServer, days_ahead: int = 14) -> ZmsSlotSource:
    return ZmsSlotSource(f"{server.url}/api/citizen", clock=lambda: TODAY, days_ahead=days_ahead, cache_s=0)


def weekdays(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5]


async def test_muc47_the_current_calendar_route() -> None:
    with serve("muc47") as server:
        source = slots(server)
        answer = await source.next_free(SERVICE, OFFICE)
        assert answer.unavailable is None and source.api == "calendar"
        assert [d.day for d in answer.days] == [date(2024, 8, 22), date(2024, 8, 23)]
        assert all(d.times == () for d in answer.days)  # the year-3000 timestamps are not believed
        assert answer.service_name == "Unittest Source Dienstleistung"
        asked = [r.path.split("?")[0] for r in server.seen()]
        assert asked == ["/api/citizen/offices-and-services/", "/api/citizen/available-calendar/"]
        query = server.seen()[1].path.split("?", 1)[1]
        for part in ("officeIds=9999998", "serviceIds=1", "serviceCounts=1", "startDate=2024-08-21",
                     "endDate=2024-09-04"):  # fmt: skip
            assert part in query.split("&")


async def test_muc47_an_empty_calendar_is_nothing_free_not_a_fault() -> None:
    empty = (conformance_dir("zms") / "muc47" / "available-calendar_empty.json").read_bytes()
    with serve("muc47", **{"/api/citizen/available-calendar/": empty}) as server:
        answer = await slots(server).next_free(SERVICE, OFFICE)
    assert answer.unavailable is None and answer.days == ()


async def test_muc45_the_by_office_routes_after_one_not_found() -> None:
    with serve("muc45") as server:
        source = slots(server)
        answer = await source.next_free(SERVICE, OFFICE)
        assert answer.unavailable is None and source.api == "by_office"
        # The derived by-office answer lists 22 working days from 22 August; 14 days ahead reach 4 September.
        assert [d.day for d in answer.days] == weekdays(date(2024, 8, 22), date(2024, 9, 4))
        asked = [r.path.split("?")[0].removeprefix("/api/citizen/") for r in server.seen()]
        assert asked[:3] == ["offices-and-services/", "available-calendar/", "available-days-by-office/"]
        # The next question goes to the route that answered, without asking the newest again.
        server.forget_requests()
        await source.next_free(SERVICE, OFFICE)
        assert "/api/citizen/available-calendar/" not in [r.path.split("?")[0] for r in server.seen()]


async def test_muc20_the_plain_routes_after_an_html_404() -> None:
    with serve("muc20") as server:
        source = slots(server, days_ahead=30)
        answer = await source.next_free(SERVICE, OFFICE)
    assert answer.unavailable is None and source.api == "plain"
    assert [d.day for d in answer.days] == weekdays(date(2024, 8, 22), date(2024, 9, 20))


async def test_muc45_nothing_free_refusals_are_an_answer() -> None:
    with serve("muc45-nothing-free") as server:
        answer = await slots(server).next_free(SERVICE, OFFICE)
    assert answer.unavailable is None and answer.days == () and answer.next_free_day is None


async def test_the_same_source_follows_a_server_upgraded_from_muc45_to_muc47() -> None:
    with serve("muc45") as server:
        source = slots(server)
        assert (await source.next_free(SERVICE, OFFICE)).days and source.api == "by_office"
        # The old routes now answer the real notFound: not a refusal, the source finds the new one.
        server.set_routes(read_replies(conformance_dir("zms"), "routes-muc47.json"))
        answer = await source.next_free(SERVICE, OFFICE)
    assert answer.unavailable is None and source.api == "calendar"
    assert [d.day for d in answer.days] == [date(2024, 8, 22), date(2024, 8, 23)]


async def test_an_office_whose_scope_wants_a_captcha_is_online_only() -> None:
    folder = conformance_dir("zms")
    directory = json.loads((folder / "muc47" / "offices-and-services.json").read_text(encoding="utf-8"))
    directory["offices"][0]["scope"]["captchaActivatedRequired"] = True  # office 9999998
    changed = {"/api/citizen/offices-and-services/": json.dumps(directory).encode()}
    with serve("muc47", **changed) as server:
        answer = await slots(server).next_free(SERVICE, OFFICE)
        other = await slots(server).next_free(SERVICE, 9999999)
        asked = [r.path.split("?")[0] for r in server.seen()]
    assert answer.unavailable == "online_only" and answer.service_name == "Unittest Source Dienstleistung"
    # No availability question for the captcha office: the kiosk cannot and must not pass one.
    assert asked.count("/api/citizen/available-calendar/") == 1
    assert other.unavailable is None


# -- kiosk slots and kiosk doctor ------------------------------------------------------------------


def configure(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    monkeypatch.setenv("KIOSK_SLOTS__BASE_URL", base_url)
    monkeypatch.setenv("KIOSK_SLOTS__OFFICE_ID", str(OFFICE))
    monkeypatch.setenv("KIOSK_SLOTS__SERVICE_IDS", "[1]")


def test_kiosk_slots_tells_staff_the_free_days_and_the_api(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The conformance days are in 2024, out of reach of today's window: the real answer, nothing free.
    with serve("muc47") as server:
        configure(monkeypatch, f"{server.url}/api/citizen")
        assert slots_command([]) == 0
        lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"office {OFFICE}, available-calendar/ (muc46 and later)",
        "service 1 (Unittest Source Dienstleistung): nothing free in the days asked for",
    ]
    # A current release with a free time tomorrow at 10:00 (the fake ZMS, release muc47).
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    at_ten = datetime.combine(tomorrow, datetime.min.time().replace(hour=10), tzinfo=BERLIN)
    with ZmsServer({(SERVICE, OFFICE): [at_ten]}, {SERVICE: "Anmeldung"}, release="muc47") as zms:
        configure(monkeypatch, zms.url)
        assert slots_command(["--json"]) == 0
        report = json.loads(capsys.readouterr().out)
    assert report["api"].startswith("available-calendar/")
    assert report["services"] == [
        {"service_id": 1, "name": "Anmeldung", "unavailable": None, "why": "", "detail": "",
         "days": [{"date": tomorrow.isoformat(), "times": [at_ten.isoformat()]}]},
    ]  # fmt: skip


def test_kiosk_slots_says_why_none_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, free_port_url() + "/api/citizen")
    assert slots_command([]) == 1
    out = capsys.readouterr().out
    assert "service 1: none: the slot server cannot be reached" in out
    monkeypatch.delenv("KIOSK_SLOTS__BASE_URL")
    assert slots_command([]) == 2
    assert "no slot source configured" in capsys.readouterr().err


async def test_kiosk_doctor_checks_the_slot_source(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (await check_slots(load_settings())).status == "OK"  # none configured: nothing to check
    folder = conformance_dir("zms")
    directory = json.loads((folder / "muc47" / "offices-and-services.json").read_text(encoding="utf-8"))
    directory["offices"][0]["scope"]["captchaActivatedRequired"] = True
    with serve("muc47", **{"/api/citizen/offices-and-services/": json.dumps(directory).encode()}) as server:
        configure(monkeypatch, f"{server.url}/api/citizen")
        check = await check_slots(load_settings())
    assert check.status == "WARN" and "online only" in check.reason
    configure(monkeypatch, free_port_url() + "/api/citizen")
    check = await check_slots(load_settings(), timeout_s=1)
    assert check.status == "WARN" and "cannot be reached" in check.reason
