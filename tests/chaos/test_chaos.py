"""Chaos in CI: kill -9s, broker pauses and restarts, chat outages; nothing lost, nothing twice.

The seed is printed first; `CHAOS_SEED=<n> pytest tests/chaos` plays the same faults again
(the pipeline's own timing still varies). `benchmarks/chaos.py` runs it longer.
"""

import os
import random
from pathlib import Path

import pytest

from tests.chaos.outcome import Plan
from tests.chaos.scenario import Chaos
from tests.support.broker import Broker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.mark.timeout(420)
async def test_chaos_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, broker: Broker, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(1 << 31))
    plan = Plan(seed=seed)

    def say(text: str) -> None:
        with capsys.disabled():
            print(f"\n{text}", flush=True)

    say(f"chaos seed={seed} (CHAOS_SEED={seed} replays the faults): {plan}")
    outcome = await Chaos(plan, tmp_path, broker, say).run()
    say(outcome.summary())
    assert sum(outcome.faults.values()) >= 50
    assert outcome.ok, (
        outcome.summary() + f"\nlost: {outcome.lost}\nduplicates: {outcome.duplicates}"
    )
