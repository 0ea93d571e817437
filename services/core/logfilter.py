"""Library log lines at most once per window per kind: a broker restart made aiokafka log
about 170 "Unable connect to node ..." lines a second from every stage.

The first line of a kind (logger and message template) passes; repeats within `every`
seconds are counted, and the next one to pass says how many were held back. redflag's own
lines are never filtered: they are already one per event.
"""

import logging
import time
from collections.abc import Callable


class RepeatFilter(logging.Filter):
    """Pass a record from `libraries` once per `every` seconds per (logger, template)."""

    def __init__(
        self,
        libraries: tuple[str, ...],
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._libraries = libraries
        self._every = every
        self._clock = clock
        self._last: dict[tuple[str, object], float] = {}
        self._held: dict[tuple[str, object], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """True to emit the record."""
        if not record.name.startswith(self._libraries):
            return True
        key = (record.name, record.msg)
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self._every:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        self._last[key] = now
        held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like this in the last {self._every:g}s)"
        if len(self._last) > 1000:  # bounded: forget the oldest kinds
            for stale in sorted(self._last, key=self._last.__getitem__)[:500]:
                self._last.pop(stale, None)
        return True
