"""Acknowledgements first (runtime/priority.py): background work about to start waits while a
webhook delivery is being acknowledged, until it is answered or for a bounded time at most."""

from __future__ import annotations

import anyio

from runtime.priority import AckFirst


async def test_work_gives_way_until_the_acknowledgement_is_answered() -> None:
    acks = AckFirst(wait_at_most=30.0)
    started = anyio.Event()

    async def turn() -> None:
        await acks.give_way()
        started.set()

    async with anyio.create_task_group() as group:
        with anyio.fail_after(10):
            with acks.acknowledging():
                group.start_soon(turn)
                for _ in range(20):
                    await anyio.lowlevel.checkpoint()
                assert not started.is_set()  # a delivery is being acknowledged: the turn waits
                with acks.acknowledging():  # a second one arrives and is answered
                    pass
                for _ in range(20):
                    await anyio.lowlevel.checkpoint()
                assert not started.is_set()  # the first is still in flight
            await started.wait()  # answered: the turn starts (long before its 30 s)


async def test_work_waits_a_bounded_time_at_most() -> None:
    acks = AckFirst(wait_at_most=0.05)
    with acks.acknowledging(), anyio.fail_after(5):
        started = anyio.current_time()
        await acks.give_way()  # acknowledgements never stop coming: go on beside them
        assert anyio.current_time() - started >= 0.04


async def test_nothing_waits_when_nothing_is_being_acknowledged_or_when_turned_off() -> None:
    with anyio.fail_after(1):
        await AckFirst(wait_at_most=30.0).give_way()
        off = AckFirst(wait_at_most=0.0)
        with off.acknowledging():
            await off.give_way()
