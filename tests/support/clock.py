"""A clock the test moves by hand, for code that takes `clock: Callable[[], float]`.

    clock = FakeClock()
    log = DeliveryLog(path, clock=clock)
    clock.advance(3600)   # an hour passes at once: no sleeping, no reaching into the log

It starts at the wall clock's time, so what it stamps is a plausible date on any day.
"""

import time


class FakeClock:
    """Seconds that move only when `advance` says so."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        """Move on by `seconds`; returns the new time."""
        self.now += seconds
        return self.now
