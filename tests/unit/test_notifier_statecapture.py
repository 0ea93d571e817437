"""State rows captured per alerts partition for the changelog, and restored from it."""

from pathlib import Path

from schemas.alert import Alert, Event, Facts
from services.notifier.deliverylog import ATTEMPTING, DELIVERED, DeliveryLog
from services.notifier.statecapture import TABLES, StateCapture, working_for


def alert(n: int) -> Alert:
    return Alert(
        id=f"a{n}",
        article_id=f"art{n}",
        title=f"Acme recalls {n}",
        event=Event(type="recall", confidence=0.9, company="Acme", facts=Facts(units=n)),
    )


def opened(path: Path) -> tuple[DeliveryLog, StateCapture]:
    log = DeliveryLog(path)
    return log, StateCapture(log.connection)


def test_rows_go_to_the_partition_they_were_written_for_and_restore_elsewhere(
    tmp_path: Path,
) -> None:
    a_log, a = opened(tmp_path / "a.db")
    with working_for({2}):
        a_log.claim("a1", "tg", 300.0)
        a_log.mark("a1", "tg", DELIVERED)
        a_log.hold("digest-ch", alert(5))
    with working_for({0}):
        a_log.claim("a2", "tg", 300.0)  # in flight when the owner died
    a_log.prune(0.0)  # housekeeping outside any record: local only
    taken = a.take()
    assert sorted(taken) == [0, 2]
    assert a.homes == {"a5": frozenset({2})}  # a held alert remembers its partition

    b_log, b = opened(tmp_path / "b.db")  # another host, an empty cache
    assert b.apply(0, taken[0]) == [("a2", "tg")]  # to settle: its send was never confirmed
    assert b.apply(2, taken[2]) == []
    assert b_log.state("a1", "tg") == DELIVERED and b_log.attempts("a1", "tg") == 1
    assert b_log.state("a2", "tg") == ATTEMPTING
    assert b_log.is_held("digest-ch", "a5") and b.homes == {"a5": frozenset({2})}
    assert b.take() == {}  # restored rows are not captured again

    with working_for({2}):  # the digest went out on A: the held row's delete travels too
        a_log.close_batch("digest-ch", a_log.batch_id("digest-ch") or "", DELIVERED)
        a_log.open_batch("digest-ch", "b1", 10)
        a_log.close_batch("digest-ch", "b1", DELIVERED)
    b.apply(2, a.take()[2])
    assert not b_log.is_held("digest-ch", "a5") and b.homes == {}
    assert b_log.state("a5", "digest-ch") == DELIVERED
    a_log.close()
    b_log.close()


def test_a_held_alert_written_outside_a_record_goes_to_its_own_partition(
    tmp_path: Path,
) -> None:
    log, capture = opened(tmp_path / "n.db")
    with working_for({1}):
        log.hold("ch", alert(1))
    capture.take()
    log.open_batch("ch", "batch1", 10)  # the digest timer: no record, no partition in context
    assert list(capture.take()) == [1]
    capture.save_homes()  # as each changelog sync does
    reopened = StateCapture(log.connection)  # a restart with this cache keeps the homes
    assert reopened.homes == {"a1": frozenset({1})}
    log.close()


def test_every_state_table_of_the_delivery_log_travels_in_the_changelog(tmp_path: Path) -> None:
    """A table added by a migration must be named in statecapture.TABLES (with its key), or
    a replica on another host would not get it."""
    log, _ = opened(tmp_path / "n.db")
    tables = {
        str(r[0])
        for r in log.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    log.close()
    bookkeeping = {"changelog_checkpoints", "changelog_homes", "changelog_claims"}
    assert tables - bookkeeping == set(TABLES)
