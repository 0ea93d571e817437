"""Secrets in chat URLs are masked wherever they appear."""

import pytest

from services.core.redact import MASK, mask_url, redact_urls, register_secret

SLACK_TOKENS = "T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx"
BOT_TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"posting to https://hooks.slack.com/services/{SLACK_TOKENS} now", SLACK_TOKENS),
        (
            f"Slack POST URL: https://hooks.slack.com/services/{SLACK_TOKENS} (cert_verify=True)",
            "abcdefghijklmnop",
        ),
        (f"url=slack://{SLACK_TOKENS}/#alerts", SLACK_TOKENS),
        (f"POST https://api.telegram.org/bot{BOT_TOKEN}/sendMessage", BOT_TOKEN),
        (f"tgram://{BOT_TOKEN}/-100123", BOT_TOKEN),
        (f"channel 'tg' (tgram://{BOT_TOKEN}/-100123): failed", BOT_TOKEN),
        ("discord://1234567890/tok_ABCdef-123?avatar=no", "tok_ABCdef-123"),
        ("https://discord.com/api/webhooks/1234567890/tok_ABCdef-123", "tok_ABCdef-123"),
        ("mailtos://user:hunter2@example.com?to=a@b.c", "hunter2"),
        ("https://ntfy.example/topic?token=tk_secret_value", "tk_secret_value"),
        ("json://admin:pa55w0rd@127.0.0.1:8080/hook", "pa55w0rd"),
        ("error: 'pover://ukey@apptoken123' failed", "apptoken123"),
    ],
)
def test_tokens_are_masked(text: str, secret: str) -> None:
    redacted = redact_urls(text)
    assert secret not in redacted
    assert MASK in redacted


@pytest.mark.parametrize(
    "text",
    [
        "plain words, no urls",
        "see https://news.example/article?id=5 for details",
        "2025-03-04 14:05 UTC · confidence 92%",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_urls(text) == text


def test_registered_secrets_are_masked_exactly() -> None:
    weird = "custom-scheme-less-secret-XYZ987"
    register_secret(weird)
    assert redact_urls(f"value={weird}!") == f"value={MASK}!"


def test_short_strings_are_not_registered() -> None:
    register_secret("abc")
    assert redact_urls("abc abcd") == "abc abcd"


@pytest.mark.parametrize(
    "line",
    [
        'http://127.0.0.1:41983 "POST /services/T1ABC/B2DEF/XYZsecretTOKEN123 HTTP/1.1" 500 0',
        'https://api.telegram.org:443 "POST /bot123456:ABCdefSECRETtoken/sendMessage HTTP/1.1" 200',
        "Slack POST URL: http://127.0.0.1:1/services/T1ABC/B2DEF/XYZsecretTOKEN123 (cert=1)",
    ],
)
def test_bare_request_paths_as_urllib3_logs_them(line: str) -> None:
    redacted = redact_urls(line)
    assert "XYZsecretTOKEN123" not in redacted
    assert "ABCdefSECRETtoken" not in redacted


def test_a_closing_bracket_ends_the_masked_url() -> None:
    assert redact_urls(f"channel 'tg' (tgram://{BOT_TOKEN}/-100123): failed") == (
        "channel 'tg' (tgram://****): failed"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"slack://{SLACK_TOKENS}/#alerts", "slack://****"),
        (f"tgram://{BOT_TOKEN}/-100123", "tgram://****"),
        ("json://admin:pa55w0rd@127.0.0.1:8080/hook", "json://****"),
        (f"https://hooks.slack.com/services/{SLACK_TOKENS}", "https://hooks.slack.com/****"),
        ("https://user:pw@ntfy.example/topic?token=tk", "https://ntfy.example/****"),
        ("not a url at all", MASK),
    ],
)
def test_mask_url_shows_the_service_only(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_a_registered_url_is_masked_to_its_service() -> None:
    url = "discord://98765/registered_token_QQQ"
    register_secret(url)
    assert redact_urls(f"posting via {url} failed") == "posting via discord://**** failed"
