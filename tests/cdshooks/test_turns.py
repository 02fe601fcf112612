"""The order in which the calls read in one turn of the event loop run (asgi.Turns): the connection answered longest
ago first, a new connection before any, arrival order among equals; a caller that went away is skipped; the memory of
connections stays bounded. Why it matters: docs/cds-speed-log.md (a connection stuck last in every turn)."""

from __future__ import annotations

import asyncio
import time

from rarebone.cdshooks.asgi import Turns


def _run_turn(turns: Turns, clients: list, cancel: set = frozenset()) -> list:
    order: list = []

    async def caller(client):
        await turns.wait(client)
        order.append(client)
        turns.answered(client)

    async def main():
        tasks = [asyncio.create_task(caller(c)) for c in clients]  # their first steps run in one turn
        await asyncio.sleep(0)
        for task, client in zip(tasks, clients):
            if client in cancel:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
    return order


def test_connection_answered_longest_ago_goes_first_new_ones_before_all():
    turns = Turns()
    now = time.monotonic()
    a, b, c, d = ("127.0.0.1", 1), ("127.0.0.1", 2), ("127.0.0.1", 3), ("127.0.0.1", 4)
    turns.last.update({a: now - 1, b: now - 3, c: now - 2})
    assert _run_turn(turns, [a, b, c, d]) == [d, b, c, a]  # d never answered: first
    # the answers just given are remembered: now a, b, c, d in the order they were answered
    assert _run_turn(turns, [a, b, c, d]) == [d, b, c, a]
    # equal standing (no address, e.g. a Unix socket): the order they came in
    assert _run_turn(turns, [None, None]) == [None, None]


def test_a_caller_that_went_away_is_skipped_and_the_rest_still_run():
    turns = Turns()
    a, b, c = ("h", 1), ("h", 2), ("h", 3)
    assert _run_turn(turns, [a, b, c], cancel={b}) == [a, c]
    assert not turns.waiting


def test_the_memory_of_connections_is_bounded():
    turns = Turns()
    old = time.monotonic() - 120
    turns.last = {("h", i): old for i in range(Turns.KEEP)}
    turns.answered(("h", -1))
    assert turns.last == {("h", -1): turns.last[("h", -1)]}  # those not answered for a minute are forgotten
    # thousands of live connections: forgotten all at once, not pruned again on every call
    now = time.monotonic()
    turns.last = {("h", i): now for i in range(Turns.KEEP)}
    turns.answered(("h", -2))
    assert list(turns.last) == [("h", -2)]
