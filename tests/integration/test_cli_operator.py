"""The operator's path, run with the real `redflag` command: `check-config` finds in one
pass what `run` would fail on, mistakes get one line and the documented exit code (0 ok,
1 failed, 2 bad config or usage), never a traceback, and secrets are never echoed."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REDFLAG = str(Path(sys.executable).with_name("redflag"))
TOKEN = "xoxb-123456789012-abcdefSECRETghijkl"  # a value that must never be printed back


def redflag(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    base = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDFLAG_")}
    return subprocess.run(
        [REDFLAG, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
        cwd=cwd,
        check=False,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


BAD = """
state_dir: {state_dir}
feeds:
  - {{name: a, url: "not a url", lang: xx}}
  - {{name: a, url: "ftp://example.com/feed"}}
  - {{name: b, url: "htps://example.com/feed"}}
  - {{name: c, url: "./missing-feed.xml"}}
channels:
  - {{name: tg, url: "tgram://${{TG_TOKEN}}/${{TG_CHAT}}"}}
  - {{name: tg, url: "console://", rate_limit: "{token}"}}
  - {{name: blank, url: "tgram://${{BLANK_TOKEN:-}}/${{BLANK_CHAT:-}}"}}
metrics: {{listen: notaport}}
poller: {{min_interval: 2h, max_interval: 1h, concurrency: [1, 2]}}
"""


def test_check_config_lists_every_problem_in_one_pass(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    config = tmp_path / "bad.yaml"
    config.write_text(BAD.format(state_dir=blocker / "state", token=TOKEN), encoding="utf-8")
    result = redflag("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    no_traceback(result)
    err = result.stderr
    for expected in (
        "channels[0].url: environment variable TG_TOKEN is not set",
        "channels[0].url: environment variable TG_CHAT is not set",
        "feeds[1].name: 'a' is already the name of feeds[0]",
        "channels[1].name: 'tg' is already the name of channels[0]",
        "feeds[0].url: 'not a url' is neither a URL nor a path",
        "feeds[0].lang: unknown language code 'xx'",
        "feeds[1].url: unsupported scheme 'ftp'",
        "feeds[2].url: unsupported scheme 'htps'",
        "(did you mean https://?)",
        "poller.max_interval: must not be below min_interval (7200s), got 3600s",
        "poller.concurrency: should be a whole number, got a list",
        "metrics.listen: not a host:port address: 'notaport'",
        "state_dir: cannot create",
        "feeds[3].url: no such file",
    ):
        assert expected in err, (expected, err)
    assert TOKEN not in err + result.stdout
    assert "channels[1].rate_limit: not a rate: (value hidden)" in err
    assert "Input should be" not in err


@pytest.mark.parametrize("port", ["99999", "0", "http"])
def test_a_listen_address_needs_a_real_port(tmp_path: Path, port: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"metrics: {{listen: '127.0.0.1:{port}'}}\n", encoding="utf-8")
    result = redflag("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "metrics.listen: not a host:port address" in result.stderr


def test_a_channel_url_apprise_cannot_use_is_caught_once_expanded(tmp_path: Path) -> None:
    """Compose with blank TELEGRAM_* gives `tgram:///`: check-config must say so, as
    `redflag channels` does, instead of `config ok`."""
    config = tmp_path / "c.yaml"
    config.write_text(
        "channels:\n  - {name: desk, url: 'tgram://${TG_TOKEN:-}/${TG_CHAT:-}'}\n",
        encoding="utf-8",
    )
    result = redflag("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "channels[0].url: channel 'desk': apprise cannot use its URL" in result.stderr
    # `run` refuses the same config the same way, before starting anything
    run = redflag("run", "--once", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 2
    assert "channels[0].url: channel 'desk'" in run.stderr
    no_traceback(run)


def test_misspelt_and_malformed_environment_variables_are_named(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("state_dir: state\n", encoding="utf-8")
    env = {
        "REDFLAG_CHANELS": "[]",
        "REDFLAG_POLLER__MAX_AGEE": "7d",
        "REDFLAG_CHANNELS": "not json",
        "REDFLAG_NOTIFIER__ENDPOINTS__TELEGRAM": TOKEN,
    }
    result = redflag("check-config", "--config", str(config), env=env, cwd=tmp_path)
    assert result.returncode == 2
    no_traceback(result)
    err = result.stderr
    assert "REDFLAG_CHANELS: unknown setting: the config has no field 'chanels'" in err
    assert "(did you mean REDFLAG_CHANNELS?)" in err
    assert "REDFLAG_POLLER__MAX_AGEE: unknown setting: poller has no field 'max_agee'" in err
    assert "REDFLAG_CHANNELS: not valid JSON" in err
    assert "notifier.endpoints.telegram: not an http(s) base URL" in err
    assert TOKEN not in err


def test_no_config_at_all_is_said_plainly(tmp_path: Path) -> None:
    for command in ("check-config", "run", "notifier"):
        result = redflag(command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stdout)
        assert "no config: pass --config FILE or set REDFLAG_CONFIG" in result.stderr
        no_traceback(result)


def test_a_good_config_is_summarised(tmp_path: Path) -> None:
    config = tmp_path / "ok.yaml"
    config.write_text(
        "state_dir: state\nfeeds: [{name: f, url: 'http://127.0.0.1:9/x', lang: zh-Hant}]\n",
        encoding="utf-8",
    )
    result = redflag("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("config ok: 1 feeds enabled of 1, 0 watchlist companies")
    assert not (tmp_path / "state").exists()  # checking created nothing


def test_classify_on_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = redflag("classify", str(tmp_path / "missing.jsonl"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"redflag classify: {tmp_path / 'missing.jsonl'}: No such file or directory"
    )


def test_classify_keeps_its_contract_on_any_input(tmp_path: Path) -> None:
    """Blank lines skipped, a carriage return inside a title kept, deep nesting and oversized
    fields and lines reported in their place, the rest classified; linear time throughout."""
    good = json.dumps({"id": "ok", "title": "Mazda recalls 4,000 cars over brake fault"})
    lines = [
        good,
        "",
        "   ",
        json.dumps({"id": "cr", "title": "Ford recalls 10,000\rExplorers over seat belts"}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": "big", "title": "recall " * 70_000}),
        json.dumps({"id": "huge", "content": "x" * 3_000_000}),
        good,
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    started = time.monotonic()
    result = redflag("classify", str(data), cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert result.returncode == 1  # some lines were bad
    no_traceback(result)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["ok", "cr", None, None, None, "ok"]
    assert out[1]["events"][0]["company"]  # the \r did not split the line
    assert [o.get("line") for o in out[2:5]] == [5, 6, 7]
    assert out[2]["error"] == "not JSON this stage reads: nested too deeply"
    assert out[3]["error"] == "title is 490,000 characters, over the 1,000 limit"
    assert (
        out[4]["error"].startswith("line of 3,000,")
        and "over the 1,048,576 limit" in out[4]["error"]
    )
    # the same from standard input
    piped = subprocess.run(
        [REDFLAG, "classify"], input=data.read_bytes(), capture_output=True, timeout=120,
        check=False, cwd=tmp_path,
    )  # fmt: skip
    assert piped.stdout.decode() == result.stdout
