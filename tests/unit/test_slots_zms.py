"""The ZMS slot source against a real local HTTP server: published answer shapes, fallbacks and faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from kiosk.clock import BERLIN
from kiosk.slots import SlotAnswer
from kiosk.slots.zms import ZmsSlotSource
from tests.support.api_server import free_port_url
from tests.support.zms_server import ZmsServer

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN)  # a Monday morning
SERVICE, OFFICE = 1063424, 10470
COUNSELLING = 2000001


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


# This morning's 9:00 is gone by 10:30; Tuesday's first free time is 10:30.
FREE = {
    (SERVICE, OFFICE): [at(23, 9), at(23, 11, 15), at(24, 10, 30), at(24, 14), at(26, 9)],
    (COUNSELLING, OFFICE): [at(23, 9, 30), at(25, 8)],
}
NAMES = {SERVICE: "Anmeldung einer Wohnung", COUNSELLING: "Beratung\x1b[31m für Familien\n"}


class Ticker:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def zms() -> Iterator[ZmsServer]:
    with ZmsServer(FREE, NAMES, {OFFICE: "Bürgerbüro Westerfilde"}) as server:
        yield server


def source(url: str, ticker: Ticker | None = None, **options: float) -> ZmsSlotSource:
    return ZmsSlotSource(url, clock=lambda: NOW, monotonic=ticker or Ticker(), **options)  # type: ignore[arg-type]


async def test_next_free_day_and_time_in_the_published_shape(zms: ZmsServer) -> None:
    answer = await source(zms.url).next_free(SERVICE, OFFICE)
    assert answer.unavailable is None
    assert answer.next_free == at(23, 11, 15)
    assert [d.day for d in answer.days] == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)]
    assert answer.days[0].times == (at(23, 11, 15),), "the time already past this morning is left out"
    assert answer.service_name == "Anmeldung einer Wohnung"
    assert zms.seen == [
        "offices-and-services",
        "available-calendar",  # the current API first; this release answers notFound
        "available-days-by-office",
        "available-appointments-by-office",
    ]


async def test_a_day_whose_times_are_all_past_gives_way_to_the_next(zms: ZmsServer) -> None:
    answer = await source(zms.url).next_free(COUNSELLING, OFFICE)
    assert answer.next_free == at(25, 8)
    assert answer.next_free_day == date(2026, 11, 25), "today has nothing left, so it is not a free day"
    assert answer.service_name == "Beratung für Familien", "control characters never reach the screen"


async def test_an_older_deployment_without_by_office_routes_is_asked_the_plain_ones() -> None:
    with ZmsServer(FREE, NAMES, by_office=False) as zms:
        slots = source(zms.url, cache_s=0)
        first = await slots.next_free(SERVICE, OFFICE)
        assert first.next_free == at(23, 11, 15)
        assert zms.seen[1:] == [
            "available-calendar",
            "available-days-by-office",
            "available-days",
            "available-appointments",
        ], "once the by-office route is missing, the times come from the plain route straight away"
        second = await slots.next_free(COUNSELLING, OFFICE)
        assert second.next_free == at(25, 8)
        # The known route straight away; today's times are past, so the next day's are asked for.
        assert zms.seen[5:] == ["available-days", "available-appointments", "available-appointments"]


async def test_answers_wrapped_in_meta_and_data_are_read_too() -> None:
    with ZmsServer(FREE, NAMES, wrapped=True) as zms:
        answer = await source(zms.url).next_free(SERVICE, OFFICE)
    assert answer.next_free == at(23, 11, 15)
    assert answer.service_name == "Anmeldung einer Wohnung"


async def test_nothing_free_is_an_answer_not_a_fault() -> None:
    with ZmsServer({(SERVICE, OFFICE): [datetime(2027, 6, 1, 9, tzinfo=BERLIN)]}, NAMES) as zms:
        answer = await source(zms.url, days_ahead=14).next_free(SERVICE, OFFICE)
    assert answer.unavailable is None
    assert answer.days == () and answer.next_free is None


async def test_a_service_the_office_does_not_offer_is_refused(zms: ZmsServer) -> None:
    answer = await source(zms.url).next_free(SERVICE, 99)
    assert answer.unavailable == "refused"
    assert "invalidLocationAndServiceCombination" in answer.detail


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("errors", "online_only"),  # a captcha refusal: booking there is for people on the web page
        ("errors_500", "server_error"),
        ("500", "server_error"),
        ("malformed", "malformed"),
        ("wrong_shape", "malformed"),
        ("timeout", "unreachable"),
    ],
)
async def test_faults_become_a_plain_reason(zms: ZmsServer, fault: str, reason: str) -> None:
    zms.fail(fault, "available-days-by-office")  # type: ignore[arg-type]
    answer = await source(zms.url, timeout_s=0.5).next_free(SERVICE, OFFICE)
    expected = SlotAnswer(SERVICE, OFFICE, unavailable=reason, detail=answer.detail,  # type: ignore[arg-type]
                          service_name=answer.service_name)  # fmt: skip
    assert answer == expected
    assert answer.detail


async def test_a_server_that_is_not_there_is_unreachable() -> None:
    answer = await source(free_port_url() + "/api/citizen").next_free(SERVICE, OFFICE)
    assert answer.unavailable == "unreachable"


async def test_when_the_times_fail_the_free_days_are_still_told(zms: ZmsServer) -> None:
    zms.fail("500", "available-appointments-by-office")
    answer = await source(zms.url).next_free(SERVICE, OFFICE)
    assert answer.unavailable is None
    assert answer.next_free is None
    assert answer.next_free_day == date(2026, 11, 23)


async def test_missing_names_do_not_stop_the_slots(zms: ZmsServer) -> None:
    zms.fail("malformed", "offices-and-services")
    answer = await source(zms.url).next_free(SERVICE, OFFICE)
    assert answer.next_free == at(23, 11, 15)
    assert answer.service_name == ""


async def test_answers_are_kept_for_cache_s_and_failures_for_less(zms: ZmsServer) -> None:
    ticker = Ticker()
    slots = source(zms.url, ticker, cache_s=300)
    await slots.next_free(SERVICE, OFFICE)
    asked = len(zms.seen)
    ticker.now += 299
    assert (await slots.next_free(SERVICE, OFFICE)).next_free == at(23, 11, 15)
    assert len(zms.seen) == asked, "a second visitor within five minutes costs no request"
    ticker.now += 2
    zms.fail("500")
    assert (await slots.next_free(SERVICE, OFFICE)).unavailable == "server_error"
    asked = len(zms.seen)
    zms.heal()
    ticker.now += 30
    assert (await slots.next_free(SERVICE, OFFICE)).unavailable == "server_error"
    assert len(zms.seen) == asked
    ticker.now += 31
    assert (await slots.next_free(SERVICE, OFFICE)).next_free == at(23, 11, 15), "a failure is kept a minute"


async def test_only_days_within_days_ahead_are_listed(zms: ZmsServer) -> None:
    answer = await source(zms.url, days_ahead=3).next_free(SERVICE, OFFICE)
    assert [d.day for d in answer.days] == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)]
    answer = await source(zms.url, days_ahead=1).next_free(SERVICE, OFFICE)
    assert [d.day for d in answer.days] == [date(2026, 11, 23), date(2026, 11, 24)]
