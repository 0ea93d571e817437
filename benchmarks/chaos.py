"""The chaos scenario of `tests/chaos` run longer: >= 300 faults by default.

    .venv/bin/python -m benchmarks.chaos                        # 300 faults over ~10 min
    .venv/bin/python -m benchmarks.chaos --seed 42 --faults 60 --seconds 120
    .venv/bin/python -m benchmarks.chaos --outage 3600          # an hour-long chat outage

Starts its own Apache Kafka (or Tansu, as the test suite decides: tests/support/broker.py),
a feed server and a chat server on loopback, and the three stages as `redflag` processes;
prints the seed first and the counts at the end; exits 1 if anything was lost or sent twice.
With `--outage S` every chat answers 500 for S seconds from `--outage-start` into the chaos
phase while the faults go on (chat stretches are not played meanwhile, nor kills timed
mid-send unless `--outage-mid-send`: there every retry is a send in flight); the phase lasts
outage + 7 min by default, a story every 30 s, and each late alert must say "delayed".
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
    parser.add_argument("--seconds", type=float, default=0.0, help="the chaos phase")
    parser.add_argument(
        "--stories", type=int, default=0, help="default: one per 4.5 s (Telegram's 20/min)"
    )
    parser.add_argument("--drain", type=float, default=0.0, help="bound on the final drain")
    parser.add_argument("--outage", type=float, default=0.0, help="chat outage, s (0: none)")
    parser.add_argument("--outage-start", type=float, default=120.0)
    parser.add_argument(
        "--outage-mid-send",
        action="store_true",
        help="play kills timed mid-send during the outage too (each lands in the uncertain "
        "window: every retry there is a send in flight)",
    )
    parser.add_argument("--broker-restarts", type=int, default=10, help="at most")
    parser.add_argument("--pause-max", type=float, default=8.0, help="longest broker pause, s")
    args = parser.parse_args()
    outage = args.outage
    seconds = args.seconds or (args.outage_start + outage + 300 if outage else 600.0)
    plan = Plan(
        seed=args.seed,
        faults=args.faults,
        chaos_seconds=seconds,
        # an outage's backlog drains at Telegram's 20/min: a story every 30 s keeps it short
        stories=args.stories or int(seconds / (30 if outage else 4.5)),
        drain_seconds=args.drain or (900.0 if outage else 300.0),
        broker_restarts=args.broker_restarts,
        pause_max=args.pause_max,
        outage_seconds=outage,
        outage_start=args.outage_start,
        outage_mid_send=args.outage_mid_send,
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
