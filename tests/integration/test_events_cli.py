"""`redflag classify --events` and `redflag events` as a user runs them (#12)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas.alert import Alert, Event, Facts
from services.events.rules import load_rules
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.senderlog import SENDER_LOG
from tests.integration.test_cli import redflag

WATCHLIST = "watchlist:\n  - {company: Ford Motor, tickers: [F], aliases: [Ford, 福特]}\n"
NOW = datetime.now(UTC)


def line(n: int, title: str, hours: float) -> str:
    published = (NOW - timedelta(hours=hours)).isoformat()
    return json.dumps({"id": f"a{n}", "title": title, "published": published, "source": f"s{n}"})


ARTICLES = [
    line(1, "Ford recalls 142,000 Explorer SUVs over seat belt anchor fault", 5),
    line(5, "Ford expands Explorer recall to 1.2 million SUVs", 1),  # out of order: later
    line(2, "Ford to recall about 142,000 Explorers on seat belt risk", 4),
    line(3, "福特召回14.2万辆探险者SUV", 3),
    line(6, "Ford recalls 38,000 F-150 trucks over loose wheel nuts", 2),
    line(7, "Ford shares rise 2% in early trading", 2),
]


def test_classify_events_groups_a_batch_by_event_in_time_order(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(WATCHLIST, encoding="utf-8")
    stdin = "\n".join([*ARTICLES, "{not json"]) + "\n"
    result = redflag("classify", "--events", "--config", str(config), stdin=stdin)
    assert result.returncode == 1, result.stderr  # the bad line
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert out[0] == {"id": None, "line": 7, "error": out[0]["error"]}
    explorer, trucks = out[1:]
    assert [(r["id"], r["kind"]) for r in explorer["reports"]] == [
        ("a1", "first"),
        ("a2", "repeat"),
        ("a3", "repeat"),
        ("a5", "update"),
    ]
    assert explorer["company"] == "Ford Motor" and explorer["facts"] == {"units": 1_200_000}
    assert [r["id"] for r in trucks["reports"]] == ["a6"]


def _alert(n: int, kind: str, units: int, title: str) -> Alert:
    event = Event(type=kind, confidence=0.9, company="Ford Motor", on_watchlist=True)  # type: ignore[arg-type]
    return Alert(
        id=f"al{n}",
        article_id=f"a{n}",
        title=title,
        source=f"Source{n}",
        published=NOW - timedelta(hours=1),
        event=event.model_copy(update={"facts": Facts(units=units)}),
    )


def test_events_lists_recent_events_with_reports_and_deliveries(tmp_path: Path) -> None:
    log = DeliveryLog(tmp_path / "state" / "notifier.db")
    rules = load_rules()
    first = _alert(1, "recall", 142_000, "Ford recalls 142,000 Explorers")
    for a in (first, _alert(2, "recall", 142_000, "Ford to recall Explorers")):
        log.observe(a, rules)
    log.mark(first.id, "desk", DELIVERED)
    log.close()
    config = tmp_path / "c.yaml"
    config.write_text(f"state_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    result = redflag("events", "--config", str(config), "--since", "1d")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "recall" in lines[0] and "Ford Motor" in lines[0] and "2 report(s)" in lines[0]
    assert "first" in lines[1] and "Source1" in lines[1] and "desk: delivered" in lines[1]
    assert "repeat" in lines[2] and "Source2" in lines[2]
    none = redflag("events", "--config", str(config), "--type", "crash")
    assert none.stdout.strip() == "no events in that window"
    other = redflag("events", "--config", str(config), "--company", "Toyota")
    assert other.stdout.strip() == "no events in that window"
    ford = redflag("events", "--config", str(config), "--company", "ford motor")
    assert "Ford Motor" in ford.stdout


def test_events_shows_the_deliveries_hop_senders_deliveries(tmp_path: Path) -> None:
    log = DeliveryLog(tmp_path / "state" / "notifier.db")
    first = _alert(1, "recall", 142_000, "Ford recalls 142,000 Explorers")
    log.observe(first, load_rules())
    log.close()
    sender = DeliveryLog(tmp_path / "state" / SENDER_LOG)  # the hop's sender delivered it
    sender.mark(first.id, "desk", DELIVERED)
    sender.close()
    config = tmp_path / "c.yaml"
    config.write_text(f"state_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    result = redflag("events", "--config", str(config), "--since", "1d")
    assert result.returncode == 0, result.stderr
    assert "desk: delivered" in result.stdout.splitlines()[1], result.stdout


def test_events_and_deadletters_never_create_the_notifier_state(tmp_path: Path) -> None:
    """A mistyped state_dir must not turn into an empty, healthy-looking history."""
    config = tmp_path / "c.yaml"
    config.write_text(f"state_dir: {tmp_path / 'nowhere'}\n{WATCHLIST}", encoding="utf-8")
    for args in (["events"], ["deadletter", "list"], ["deadletter", "replay"]):
        result = redflag(*args, "--config", str(config))
        assert result.returncode == 0, result.stderr
        assert "no notifier state at" in result.stdout and "nowhere" in result.stdout
    assert not (tmp_path / "nowhere").exists()


def test_events_names_a_bad_since_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(WATCHLIST, encoding="utf-8")
    result = redflag("events", "--since", "soon", "--config", str(config))
    assert result.returncode == 2
    assert "--since" in result.stderr and "'soon'" in result.stderr
    assert "Traceback" not in result.stderr
