"""The committable offset never passes an unfinished record."""

import pytest

from services.core.offsets import PartitionProgress


@pytest.mark.parametrize(
    ("handed", "finished", "expected"),
    [
        ([0, 1, 2], [], None),
        ([0, 1, 2], [0], 1),
        ([0, 1, 2], [1, 2], None),
        ([0, 1, 2], [2, 0], 1),
        ([0, 1, 2], [2, 1, 0], 3),
        ([5, 6, 9], [5, 6, 9], 10),
        ([5, 6, 9], [9, 6], None),
    ],
)
def test_committable_is_the_finished_prefix(
    handed: list[int], finished: list[int], expected: int | None
) -> None:
    progress = PartitionProgress()
    for offset in handed:
        progress.handed_out(offset)
    for offset in finished:
        progress.finished(offset)
    assert progress.committable() == expected
    assert progress.pending == len(handed) - (
        0 if expected is None else sum(1 for o in handed if o < expected)
    )
