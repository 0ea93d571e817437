"""A library repeating itself (aiokafka during a broker restart) is heard once per window."""

import io
import logging

from services.core.logfilter import RepeatFilter
from services.core.logging import configure_logging
from services.core.settings import LogSettings


def record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)


def test_repeats_within_the_window_are_held_back_and_counted() -> None:
    now = [0.0]
    flt = RepeatFilter(("aiokafka",), every=10.0, clock=lambda: now[0])
    template = "Unable connect to node with id %s: %s"
    passed = []
    for i in range(170):  # a second of aiokafka during a broker restart
        now[0] = i / 170
        passed.append(flt.filter(record("aiokafka.conn", template, 1, "refused")))
    assert passed.count(True) == 1
    now[0] = 10.5
    later = record("aiokafka.conn", template, 1, "refused")
    assert flt.filter(later)
    assert later.getMessage().endswith("(169 more like this in the last 10s)")


def test_other_kinds_and_our_own_lines_always_pass() -> None:
    flt = RepeatFilter(("aiokafka",), every=10.0, clock=lambda: 0.0)
    assert flt.filter(record("aiokafka.conn", "one kind"))
    assert flt.filter(record("aiokafka.cluster", "another kind"))
    assert all(flt.filter(record("services.poller.poll", "ours")) for _ in range(5))


def test_the_configured_handler_filters_library_floods() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    out = io.StringIO()
    try:
        configure_logging(LogSettings(format="json"), stream=out)
        for _ in range(50):
            logging.getLogger("aiokafka.cluster").warning("Unable to update metadata from %s", 1)
    finally:
        root.handlers[:], root.level = saved
    assert len(out.getvalue().splitlines()) == 1
