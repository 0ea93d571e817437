"""What a chaos run is asked to do (`Plan`) and what it found (`Outcome`), for CI's log."""

from collections import Counter
from dataclasses import dataclass, field

# where each story must arrive (checks.messages_for's name -> the notifier's channel name):
# recalls go to one Slack channel and, being on the watchlist, to Telegram
CHANNELS = {"slack-recalls": "slack-recalls", "telegram": "telegram-desk"}


@dataclass(frozen=True)
class Plan:
    """How much chaos, for how long."""

    seed: int
    faults: int = 50
    chaos_seconds: float = 100.0
    # Telegram's group limit (20/min, paced by the notifier) bounds the stream: 1 per 4 s
    stories: int = 24
    feeds: int = 3
    drain_seconds: float = 120.0
    broker_restarts: int = 2  # at most; each costs the JVM's start-up
    pause_max: float = 6.0
    # a chat outage: every chat answers 500 from `outage_start` s into the chaos phase for
    # `outage_seconds` (0: none) while the faults go on; retries must outlast it (max_delay)
    outage_seconds: float = 0.0
    outage_start: float = 120.0
    # in the outage every retry is a send in flight, so a kill timed mid-send lands in the
    # documented uncertain window each time: played there only when asked
    outage_mid_send: bool = False
    # an alert this long in the outage must say "delayed N min" (delayed_after is 60 s)
    delayed_after: float = 60.0


@dataclass
class Outcome:
    """What happened and what arrived."""

    plan: Plan
    faults: Counter[str] = field(default_factory=Counter)
    expected: dict[str, int] = field(default_factory=dict)
    delivered: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    uncertain: dict[str, list[str]] = field(default_factory=dict)  # missing, logged uncertain
    lost: dict[str, list[str]] = field(default_factory=dict)  # missing, not explained
    uncertain_logged: int = 0
    kills_mid_send: int = 0  # notifier kills that landed while a send was `attempting`
    self_exits: Counter[str] = field(default_factory=Counter)
    chaos_seconds: float = 0.0
    drain_seconds: float = 0.0
    # the outage: stories released in it long enough to be late, and those not marked so
    late: dict[str, int] = field(default_factory=dict)
    unmarked: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """0 lost, 0 duplicates, every late alert marked delayed, on every channel."""
        return (
            not any(self.lost.values())
            and not any(self.duplicates.values())
            and not any(self.unmarked.values())
        )

    def summary(self) -> str:
        """The counts, as CI's log shows them."""
        faults = ", ".join(f"{k}={v}" for k, v in sorted(self.faults.items()))
        lines = [
            f"chaos seed={self.plan.seed}: {sum(self.faults.values())} faults "
            f"in {self.chaos_seconds:.0f}s ({faults}); drained in {self.drain_seconds:.0f}s",
        ]
        for name in CHANNELS:
            lines.append(
                f"  {name}: expected={self.expected.get(name, 0)} "
                f"delivered={self.delivered.get(name, 0)} "
                f"duplicates={len(self.duplicates.get(name, []))} "
                f"uncertain={len(self.uncertain.get(name, []))} "
                f"lost={len(self.lost.get(name, []))}"
            )
        if self.plan.outage_seconds:
            lines.append(
                f"  chat outage: {self.plan.outage_seconds:.0f}s of 500s from "
                f"{self.plan.outage_start:.0f}s; late alerts per channel "
                + ", ".join(
                    f"{n}={self.late.get(n, 0)} (unmarked {len(self.unmarked.get(n, []))})"
                    for n in CHANNELS
                )
            )
        lines.append(
            f"  notifier kills with a send in flight={self.kills_mid_send}; "
            f"delivery_uncertain logged={self.uncertain_logged}; "
            f"stages that exited by themselves: {dict(self.self_exits) or 'none'}"
        )
        return "\n".join(lines)
