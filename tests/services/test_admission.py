"""Admission: known browsers at the front, in rotation by network; strangers in their line,
one address to its share; floods hashed one at a time; every wait bounded."""
from __future__ import annotations

import asyncio

import pytest

from quartauth.services import admission
from quartauth.services.admission import Admission, HashingBusy, KnownBrowser, Line


@pytest.fixture(autouse=True)
def short_waits(monkeypatch):
    monkeypatch.setattr(admission, "STRANGER_WAIT_SECONDS", 0.05)
    monkeypatch.setattr(admission, "KNOWN_BROWSER_WAIT_SECONDS", 0.2)


def browser(name: str, network: str = "192.0.2.1") -> KnownBrowser:
    return KnownBrowser(browser=name, network=network)


class Checks:
    """Checks that take their turn and last until ``finish`` is set, in the order they start."""

    def __init__(self, hashing: Admission) -> None:
        self.hashing = hashing
        self.started: list[str] = []
        self.finish = asyncio.Event()

    async def check(self, name: str, known: KnownBrowser | None = None) -> str:
        try:
            async with self.hashing.turn(known):
                self.started.append(name)
                await self.finish.wait()
                return "checked"
        except HashingBusy:
            return "busy"

    def start(self, name: str, known: KnownBrowser | None = None) -> asyncio.Task[str]:
        return asyncio.create_task(self.check(name, known))


CROWD, OWNER = "198.51.100.0", "203.0.113.5"


async def both_threads_taken_then_a_crowd_and_an_owner(checks: Checks, taken_by: str, crowd: int):  # type: ignore[no-untyped-def]
    """Both threads of a one-thread admission taken by ``taken_by``'s network; then ``crowd``
    browsers of one network wait, and then one owner of another."""
    busy = [checks.start("front", browser("b0", taken_by)), checks.start("pool", browser("b1", taken_by))]
    await asyncio.sleep(0)
    crowded = [checks.start(f"crowd {n}", browser(f"crowd {n}", CROWD)) for n in range(crowd)]
    await asyncio.sleep(0)
    owner = checks.start("owner", browser("owner", OWNER))
    await asyncio.sleep(0)
    return busy, crowded, owner


async def test_a_known_browser_starts_at_once_on_its_own_thread_while_strangers_fill_the_pool():
    checks = Checks(Admission(threads=1))
    strangers = [checks.start(f"stranger {n}") for n in range(3)]
    await asyncio.sleep(0)
    owner = checks.start("owner", browser("owner"))
    await asyncio.sleep(0)

    assert checks.started == ["stranger 0", "owner"]
    checks.finish.set()
    assert await owner == "checked"
    await asyncio.gather(*strangers)


async def test_known_browsers_get_the_next_free_turn_before_strangers():
    checks = Checks(Admission(threads=1))
    first = [checks.start("stranger 0"), checks.start("front", browser("front"))]  # the pool's and the front's threads
    await asyncio.sleep(0)
    waiting = [checks.start(f"stranger {n}") for n in (1, 2)]
    await asyncio.sleep(0)
    owner = checks.start("owner", browser("owner"))
    await asyncio.sleep(0)
    checks.finish.set()
    await asyncio.gather(*first, *waiting, owner)

    assert checks.started[:3] == ["stranger 0", "front", "owner"]


async def test_the_front_is_shared_by_network_so_a_crowd_of_known_browsers_cannot_keep_it():
    """The front's own thread goes to a network with no check running; the pool's threads to
    the waiting networks in rotation."""
    checks = Checks(Admission(threads=1))
    busy, crowd, owner = await both_threads_taken_then_a_crowd_and_an_owner(checks, taken_by=CROWD, crowd=4)

    busy[0].cancel()  # the front's own thread frees: the crowd's network is crowded
    await asyncio.sleep(0.01)
    busy[1].cancel()  # a pool thread frees: the crowd's turn
    await asyncio.sleep(0.01)

    assert checks.started[2:4] == ["owner", "crowd 0"]
    checks.finish.set()
    await asyncio.gather(*crowd, owner)


async def test_a_browsers_second_check_at_once_waits_as_a_strangers_does():
    checks = Checks(Admission(threads=1))
    stranger = checks.start("stranger")
    first = checks.start("first", browser("same"))
    await asyncio.sleep(0)

    second = await checks.check("second", browser("same"))  # the pool is taken: it waits its longest

    assert second == "busy"
    checks.finish.set()
    await asyncio.gather(stranger, first)


async def test_a_known_browsers_wait_is_bounded_too():
    checks = Checks(Admission(threads=1))
    taken = [checks.start("pool", browser("a")), checks.start("front", browser("b"))]
    await asyncio.sleep(0)

    assert await checks.check("late", browser("c")) == "busy"
    checks.finish.set()
    await asyncio.gather(*taken)


async def test_strangers_who_waited_their_longest_are_turned_away():
    checks = Checks(Admission(threads=2))
    tasks = [checks.start(f"stranger {n}") for n in range(2 + 5)]
    await asyncio.sleep(0.2)
    checks.finish.set()
    outcomes = await asyncio.gather(*tasks)

    assert outcomes.count("checked") == 2 and outcomes.count("busy") == 5


async def test_during_a_flood_strangers_hash_one_at_a_time_and_known_browsers_use_the_rest():
    hashing = Admission(threads=2)
    checks = Checks(hashing)
    hashing.crowded()  # more strangers came than the line holds
    assert hashing.flooded

    strangers = [checks.start(f"stranger {n}") for n in range(2)]
    await asyncio.sleep(0)
    owners = [checks.start(f"owner {n}", browser(f"owner {n}", f"192.0.2.{n}")) for n in range(2)]
    await asyncio.sleep(0.01)

    assert checks.started == ["stranger 0", "owner 0", "owner 1"]  # the second stranger waits
    checks.finish.set()
    await asyncio.gather(*strangers, *owners)


async def test_strangers_turned_away_because_checks_are_slow_are_no_flood():
    # Under page load checks are slow, and some strangers wait their longest: checking them
    # one at a time would then turn every later stranger away, and keep it so.
    hashing = Admission(threads=1)
    checks = Checks(hashing)
    tasks = [checks.start(f"stranger {n}") for n in range(3)]
    await asyncio.sleep(0.1)
    checks.finish.set()

    assert sorted(await asyncio.gather(*tasks)) == ["busy", "busy", "checked"]
    assert not hashing.flooded


async def test_a_check_given_up_while_waiting_leaves_the_line_in_order():
    checks = Checks(Admission(threads=1))
    tasks = [checks.start(f"stranger {n}") for n in range(3)]
    await asyncio.sleep(0)
    tasks[1].cancel()
    checks.finish.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    assert checks.started == ["stranger 0", "stranger 2"]


async def test_one_address_holds_at_most_its_share_of_the_line():
    hashing = Admission(threads=1)
    line = Line(hashing, places=4)  # a share of two places per address
    await line.enter("203.0.113.7")
    await line.enter("203.0.113.7")

    with pytest.raises(HashingBusy):
        await line.enter("203.0.113.7")  # its share is taken, however many places are free
    await line.enter("198.51.100.1")  # another address still gets in
    assert not hashing.flooded

    line.leave("203.0.113.7")
    await line.enter("203.0.113.7")


async def test_the_pool_serves_the_networks_waiting_at_the_front_in_rotation():
    checks = Checks(Admission(threads=1))
    busy, crowd, owner = await both_threads_taken_then_a_crowd_and_an_owner(checks, taken_by="192.0.2.9", crowd=3)

    for task in busy:  # both threads free, one after the other, while 192.0.2.9 has nothing waiting
        task.cancel()
        await asyncio.sleep(0.01)

    assert sorted(checks.started[2:4]) == ["crowd 0", "owner"]  # one each, not the crowd's two first
    checks.finish.set()
    await asyncio.gather(*crowd, owner)


async def test_a_known_browser_has_one_post_in_at_a_time_however_many_connections_it_opens():
    line = Line(Admission(threads=1), places=4)
    await line.enter_known("browser")

    with pytest.raises(HashingBusy):
        await line.enter_known("browser")  # its first post never ends: the second waits its longest
    await line.enter_known("another browser")  # other browsers are not held up

    line.leave_known("browser")
    await line.enter_known("browser")


async def test_a_crowded_networks_checks_run_at_the_lower_priority_and_a_lone_browsers_do_not():
    hashing = Admission(threads=2)
    low = hashing._executors[admission._Thread.LOW]
    executors: dict[str, object] = {}
    finish = asyncio.Event()

    async def check(name: str, known: KnownBrowser) -> None:
        async with hashing.turn(known) as executor:
            executors[name] = executor
            await finish.wait()

    crowd = [asyncio.create_task(check(f"crowd {n}", browser(f"crowd {n}", "198.51.100.0"))) for n in range(2)]
    await asyncio.sleep(0)
    owner = asyncio.create_task(check("owner", browser("owner", "203.0.113.5")))
    await asyncio.sleep(0)

    assert executors["crowd 1"] is low  # its network had a check running already
    assert executors["crowd 0"] is not low and executors["owner"] is not low
    finish.set()
    await asyncio.gather(*crowd, owner)
