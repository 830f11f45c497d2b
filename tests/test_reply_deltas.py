"""A streamed reply reaches open pages in groups, but its first words go out at once."""

from __future__ import annotations

import asyncio
import time

from workers.kinds.reply import grouped


async def _tokens(*timed: tuple[float, str]):
    for pause, token in timed:
        await asyncio.sleep(pause)
        yield token


async def _collect(interval: float, *timed: tuple[float, str]) -> list[tuple[float, str]]:
    started = time.monotonic()
    return [
        (time.monotonic() - started, group) async for group in grouped(_tokens(*timed), interval)
    ]


def test_the_first_delta_goes_at_once_and_the_rest_in_groups():
    timed = [(0.0, "Muy "), *[(0.01, f"t{n} ") for n in range(10)], (0.0, "fin")]
    groups = asyncio.run(_collect(0.05, *timed))
    first_at, first = groups[0]
    assert first == "Muy " and first_at < 0.03
    assert "".join(group for _, group in groups) == "".join(token for _, token in timed)
    # Eleven tokens over ~0.1 s after the first: a few groups, not one event per token.
    assert 2 <= len(groups) <= 5


def test_a_pause_in_the_stream_does_not_hold_back_what_came_before_it():
    groups = asyncio.run(_collect(0.05, (0.0, "a"), (0.01, "b"), (0.3, "c")))
    assert [group for _, group in groups] == ["a", "b", "c"]
    # "b" goes when its interval is up, not when "c" comes.
    assert groups[1][0] < 0.2
