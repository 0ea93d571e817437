"""Out-of-order acknowledgements -> the contiguous offset that is safe to commit."""

from collections import deque


class PartitionProgress:
    """Tracks handed-out offsets of one partition and which of them are finished.

    `committable()` is the offset after the longest finished prefix: committing it never
    skips an unfinished record, so a crash redelivers exactly what was not done.
    """

    __slots__ = ("_done", "_inflight", "_next")

    def __init__(self) -> None:
        self._inflight: deque[int] = deque()
        self._done: set[int] = set()
        self._next: int | None = None

    def handed_out(self, offset: int) -> None:
        """Record that `offset` was given to the stage."""
        self._inflight.append(offset)

    def finished(self, offset: int) -> None:
        """Mark `offset` finished and advance over the finished prefix."""
        self._done.add(offset)
        while self._inflight and self._inflight[0] in self._done:
            head = self._inflight.popleft()
            self._done.discard(head)
            self._next = head + 1

    def committable(self) -> int | None:
        """The next offset to commit, or None when nothing new is finished."""
        return self._next

    @property
    def pending(self) -> int:
        """How many handed-out records are not finished yet."""
        return len(self._inflight)
