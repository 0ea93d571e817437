"""The `redflag` command line as a user runs it: exit codes and what it prints."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_FEED = ROOT / "services" / "demo" / "feeds" / "autos-wire.xml"


def redflag(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
        check=False,
    )


def test_check_config_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(
        "channels:\n"
        "  - {name: ok, url: 'slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ'}\n"
        "  - {name: typo, url: 'slak://x/y/z'}\n"
        "feeds: [{name: f}]\n",
        encoding="utf-8",
    )
    result = redflag("check-config", "--config", str(config))
    assert result.returncode == 2
    assert "channels[1].url: unknown apprise scheme 'slak'" in result.stderr
    assert "feeds[0].url: required, but not set" in result.stderr
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in result.stderr + result.stdout


def test_check_config_summarises_a_good_config(tmp_path: Path) -> None:
    config = tmp_path / "ok.yaml"
    config.write_text("feeds: [{name: f, url: 'http://127.0.0.1:9/x'}]\n", encoding="utf-8")
    result = redflag("check-config", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("config ok: 1 feeds enabled of 1, 0 watchlist companies")


def test_classify_keeps_order_reports_bad_lines_and_exits_1() -> None:
    lines = [
        json.dumps({"id": "a", "title": "Nothing happened today"}),
        "{not json",
        json.dumps({"title": "no id"}),
        json.dumps({"id": "d", "title": "Another quiet day"}),
    ]
    result = redflag("classify", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, None, "d"]
    assert out[1]["line"] == 2 and out[1]["error"]
    assert out[2]["line"] == 3 and "id" in out[2]["error"]
    assert out[0]["events"] == [] and out[3]["events"] == []


def test_classify_all_good_exits_0(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "title": "Weather is fine"}) + "\n", encoding="utf-8")
    result = redflag("classify", str(src))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"id": "x", "events": []}


def test_fetch_prints_articles_as_json_lines() -> None:
    result = redflag("fetch", str(DEMO_FEED))
    assert result.returncode == 0, result.stderr
    articles = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(articles) == 8
    assert articles[0]["title"] == "Toyota recalls 280,000 Tacoma pickups over faulty rear axle nut"
    assert "utm_source" not in articles[0]["link"]
    assert {a["schema_version"] for a in articles} == {1}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (
            b"<html><head><title>Just a moment</title></head><body>checking</body></html>",
            "not a feed",
        ),
    ],
)
def test_fetch_failure_is_one_line_and_exit_1(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(content)
    result = redflag("fetch", str(path))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert needle in result.stderr.lower()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"root:$6$Zq9SECRETHASH:19000:0:99999:7:::\n", "plain text"),
        (b"\x7fELF\x02\x01\x01\x00SECRETHASH\x00\x00\x03\x00\x3e\x00" * 8, "binary data"),
        (b"<SECRETHASH><x/></SECRETHASH>", "xml document"),
        (b'{"SECRETHASH": 1}', "json document"),
    ],
)
def test_fetch_errors_describe_the_file_without_quoting_it(
    tmp_path: Path, content: bytes, words: str
) -> None:
    """Issue 11: `redflag fetch /etc/shadow` printed its first line."""
    path = tmp_path / "shadow"
    path.write_bytes(content)
    result = redflag("fetch", str(path))
    assert result.returncode == 1
    assert words in result.stderr.lower()
    assert "SECRETHASH" not in result.stderr + result.stdout


def test_fetch_missing_file_names_the_cause(tmp_path: Path) -> None:
    result = redflag("fetch", str(tmp_path / "absent.xml"))
    assert result.returncode == 1
    assert "absent.xml" in result.stderr


def test_demo_prints_alerts_for_events_only() -> None:
    result = redflag("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for title in (
        "Toyota recalls 280,000 Tacoma pickups",
        "Two killed after Tesla Model Y",
        "BYD raises 2026 sales target",
        "Morgan Stanley cuts Nio price target",
        "小米汽车召回11.6万辆SU7",
        "小鹏汽车下调全年交付目标",
    ):
        assert title in out, out
    for quiet in (
        "Volvo EX90 earns five stars",
        "Auto stocks crash",
        "Honda targets younger buyers",
        "Recalling the Beetle",
        "比亚迪新车型完成碰撞测试",
    ):
        assert quiet not in out, out


def test_feeds_lists_each_feed_with_its_state(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        f"state_dir: {tmp_path / 'state'}\n"
        f"feeds:\n  - {{name: demo, url: '{DEMO_FEED}'}}\n"
        "  - {name: later, url: 'http://127.0.0.1:9/never.xml'}\n",
        encoding="utf-8",
    )
    only_demo = tmp_path / "only-demo.yaml"
    only_demo.write_text(
        f"state_dir: {tmp_path / 'state'}\nfeeds:\n  - {{name: demo, url: '{DEMO_FEED}'}}\n",
        encoding="utf-8",
    )
    assert redflag("run", "--once", "--config", str(only_demo)).returncode == 0
    result = redflag("feeds", "--config", str(config))
    assert result.returncode == 0, result.stderr
    header, demo, later = result.stdout.splitlines()
    assert header.split()[:2] == ["FEED", "STATUS"]
    assert demo.split()[:2] == ["demo", "ok"]
    assert demo.split()[-2:] == ["8", "0"]  # entries published, entries too old
    assert later.split()[:3] == ["later", "never", "polled"]
