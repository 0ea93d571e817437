"""The chaos scenario of `tests/chaos` run longer: >= 300 faults by default.

    .venv/bin/python -m benchmarks.chaos                        # 300 faults over ~10 min
    .venv/bin/python -m benchmarks.chaos --seed 42 --faults 60 --seconds 120

Starts its own Apache Kafka (or Tansu, as the test suite decides: tests/support/broker.py),
a feed server and a chat server on loopback, and the three stages as `redflag` processes;
prints the seed first and the counts at the end; exits 1 if anything was lost or sent twice.
"""

import argparse
import asyncio
import random
import sys
import tempfile
from pathlib import Path

from tests.chaos.outcome import Plan
from tests.chaos.scenario import Chaos
from tests.support.broker import broker_kind, kafka_broker


def main() -> int:
    """Parse the plan, run it, print the outcome."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(1 << 31))
    parser.add_argument("--faults", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=600.0, help="the chaos phase")
    parser.add_argument(
        "--stories", type=int, default=0, help="default: one per 4.5 s (Telegram's 20/min)"
    )
    parser.add_argument("--drain", type=float, default=300.0, help="bound on the final drain")
    parser.add_argument("--broker-restarts", type=int, default=10, help="at most")
    parser.add_argument("--pause-max", type=float, default=8.0, help="longest broker pause, s")
    args = parser.parse_args()
    plan = Plan(
        seed=args.seed,
        faults=args.faults,
        chaos_seconds=args.seconds,
        stories=args.stories or int(args.seconds / 4.5),
        drain_seconds=args.drain,
        broker_restarts=args.broker_restarts,
        pause_max=args.pause_max,
    )
    print(
        f"chaos seed={plan.seed} (--seed {plan.seed} replays the faults), broker: "
        f"{broker_kind()[1]}\n{plan}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="redflag-chaos-") as tmp:
        work = Path(tmp)
        with kafka_broker(work / "broker") as broker:
            (work / "run").mkdir()
            outcome = asyncio.run(Chaos(plan, work / "run", broker).run())
    print(outcome.summary(), flush=True)
    if not outcome.ok:
        print(f"lost: {outcome.lost}\nduplicates: {outcome.duplicates}", flush=True)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
