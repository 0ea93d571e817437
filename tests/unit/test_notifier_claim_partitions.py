"""Each unconfirmed send's partition is kept in the cache (claims.py), so a crash's leftover
`attempting` row is settled by its partition's owner and the outcome reaches the changelog."""

from pathlib import Path

from services.notifier.deliverylog import DELIVERED, FAILED
from services.notifier.statecapture import working_for
from tests.unit.test_notifier_statecapture import opened


def test_a_claim_left_by_a_crash_is_known_to_its_partition_after_a_restart(
    tmp_path: Path,
) -> None:
    log, capture = opened(tmp_path / "n.db")
    with working_for({2}):
        log.claim("a1", "tg", 300.0)  # cut by the crash
        log.claim("a2", "tg", 300.0)
        log.mark("a2", "tg", DELIVERED)  # confirmed: no longer a claim
    with working_for({0}):
        log.claim("a3", "tg", 300.0)
        log.mark("a3", "tg", FAILED)  # a failed try: retried by its record, not settled
    capture.take()  # as each changelog sync does, before the claims are published
    assert capture.claims.leftovers(2) == []  # this life's own sends: its workers settle them
    log.close()

    log, capture = opened(tmp_path / "n.db")  # the restart, on the same cache
    assert capture.claims.known() == {("a1", "tg")}
    assert capture.claims.leftovers(2) == [("a1", "tg")]
    assert capture.claims.leftovers(0) == []
    log.close()


def test_a_restored_claim_is_a_leftover_of_its_partition_until_settled(tmp_path: Path) -> None:
    a_log, a = opened(tmp_path / "a.db")
    with working_for({1}):
        a_log.claim("a1", "tg", 300.0)
    changes = a.take()[1]
    a_log.close()

    b_log, b = opened(tmp_path / "b.db")  # another host restores partition 1
    assert b.apply(1, changes) == [("a1", "tg")]
    assert b.claims.leftovers(1) == [("a1", "tg")]  # not this life's: settled if stopped first
    with working_for({1}):
        assert b_log.settle("a1", "tg", "uncertain")
    b.take()
    assert b.claims.leftovers(1) == [] and b.claims.known() == set()
    b_log.close()
