"""How a stage is told to stop: now (SIGTERM) or once its input is drained (burst)."""

import asyncio
from dataclasses import dataclass, field


@dataclass
class StopSignal:
    """`stop`: finish the item in hand, commit, return. `drain`: return once input is empty.

    The embedded runner sets a stage's `drain` when the stage before it has returned,
    which is how `redflag demo` and tests end by themselves (arq's `burst=True`).
    """

    stop: asyncio.Event = field(default_factory=asyncio.Event)
    drain: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def stopping(self) -> bool:
        """True once a hard stop was asked for."""
        return self.stop.is_set()

    async def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds, waking early on stop; True if stopping."""
        try:
            await asyncio.wait_for(self.stop.wait(), timeout)
        except TimeoutError:
            return False
        return True
