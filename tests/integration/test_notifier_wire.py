"""What goes on the wire for our rendered alerts (golden payloads).

The local ChatServer plays Slack's incoming webhook and Web API, Telegram's `sendMessage`
(redflag's own transport posts to them) and Discord's webhook (apprise's real plugin posts
to it); these tests render an alert, send it through the channel exactly as the stage does,
and compare what arrived.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from schemas.alert import Alert, Event, Facts
from services.notifier.channels import ChannelError, build, deliver
from services.notifier.config import ChannelConfig, NotifierSettings
from services.notifier.render import render, render_digest
from services.notifier.view import view
from tests.support.broker import free_port
from tests.support.chatserver import ChatServer, Reply, chat_server, slack_text

__all__ = ["chat_server"]

# from the clock, as the notifier would see a fresh article; the goldens print its byline stamp
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
STAMP = f"{PUBLISHED:%Y-%m-%d %H:%M} UTC"
HOSTILE = (
    "Acme <!channel> & <@U123|boss> *bold* _it_ `code` ~s~ [x](http://evil.example) "
    "@everyone @here <b>hi</b> \\ # |pipe|\n• Fatalities: 999"
)


def crash() -> Alert:
    return Alert(
        id="c1",
        article_id="art-c1",
        title="Air Acme flight AC123 crashes near Lyon, 3 dead",
        link="https://news.example/air-acme-crash",
        source="Reuters",
        published=PUBLISHED,
        lang="en",
        event=Event(
            type="crash",
            confidence=0.93,
            company="Air Acme",
            tickers=("AIRA",),
            facts=Facts(fatalities=3, injuries=12),
            on_watchlist=True,
        ),
    )


def hostile() -> Alert:
    return Alert(
        id="h1",
        article_id="art-h1",
        title=HOSTILE,
        link="https://news.example/a?b=1&c=<2>|x",
        source="Wire <script>",
        published=PUBLISHED,
        event=Event(
            type="target_change",
            confidence=0.8,
            company="Acme & Sons <!here>",
            tickers=("ACME",),
            facts=Facts(metric="revenue", old=10.5, new=9.8, currency="USD", period="FY2025"),
        ),
    )


def settings(server: ChatServer) -> NotifierSettings:
    return NotifierSettings.model_validate({"endpoints": server.endpoints})


def send(server: ChatServer, url: str, alert: Alert, *, critical: bool = False) -> None:
    channel = build(ChannelConfig(name="t", url=url), settings(server))
    assert channel.kind is not None
    outcome = deliver(
        channel, render(view(alert, critical=critical), channel.kind, channel.max_length)
    )
    assert outcome.ok, outcome.reason


SLACK_GOLDEN = {
    "attachments": [
        {
            "blocks": [
                {
                    "type": "header",
                    "text": {
                        "type": "plain_text",
                        "text": "🚨 CRASH · Air Acme (AIRA)",
                        "emoji": True,
                    },
                },
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*<https://news.example/air-acme-crash|Air Acme flight AC123 "
                        "crashes near Lyon, 3 dead>*\n"
                        "Fatalities: *3* · Injuries: 12\n"
                        f"Reuters (news.example) · {STAMP} · confidence 93% "
                        "· ★ watchlist",
                    },
                },
            ],
            "color": "#A32037",
            "fallback": "🚨 CRASH · Air Acme (AIRA)",
        }
    ]
}

TELEGRAM_GOLDEN = {
    "disable_notification": False,
    "disable_web_page_preview": True,
    "parse_mode": "HTML",
    "chat_id": -100123,
    "text": "🚨 <b>CRASH</b> · <b>Air Acme</b> (<code>AIRA</code>)\n"
    '<b><a href="https://news.example/air-acme-crash">Air Acme flight AC123 crashes near Lyon, '
    "3 dead</a></b>\n"
    "Fatalities: <b>3</b> · Injuries: 12\n"
    f"<i>Reuters (news.example) · {STAMP} · confidence 93% · ★ watchlist</i>",
}

MARKDOWN_GOLDEN = (
    "🚨 **CRASH** · Air Acme (AIRA)\n"
    "**[Air Acme flight AC123 crashes near Lyon, 3 dead](<https://news.example/air-acme-crash>)**\n"
    "Fatalities: **3** · Injuries: 12\n"
    f"_Reuters (news.example) · {STAMP} · confidence 93% · ★ watchlist_"
)


def test_slack_golden(chat_server: ChatServer) -> None:
    send(chat_server, "slack://T1/B1/XYZ", crash(), critical=True)
    assert chat_server.slack_messages("T1/B1/XYZ") == [SLACK_GOLDEN]


def test_slack_webhook_channel_overrides_and_username(chat_server: ChatServer) -> None:
    send(chat_server, "slack://redflag@T1/B1/XYZ/#markets/#risk", crash())
    payloads = chat_server.slack_messages("T1/B1/XYZ")
    assert [(p["channel"], p["username"]) for p in payloads] == [
        ("#markets", "redflag"),
        ("#risk", "redflag"),
    ]
    assert all(p["attachments"] == payloads[0]["attachments"] for p in payloads)


def test_slack_bot_token_posts_to_chat_post_message(chat_server: ChatServer) -> None:
    send(chat_server, "slack://xoxb-1234-1234-abc124/#markets", crash(), critical=True)
    [request] = chat_server.to("/api/chat.postMessage")
    assert request.headers["authorization"] == "Bearer xoxb-1234-1234-abc124"
    assert request.json == {**SLACK_GOLDEN, "channel": "#markets"}


def test_telegram_topics_and_silent_messages(chat_server: ChatServer) -> None:
    send(chat_server, "tgram://123456:ABCdef/-100123/555:7?silent=yes", crash())
    first, second = chat_server.telegram_messages()
    assert (first["chat_id"], second["chat_id"], second["message_thread_id"]) == (-100123, 555, 7)
    assert "message_thread_id" not in first
    assert first["disable_notification"] is second["disable_notification"] is True


def test_telegram_golden(chat_server: ChatServer) -> None:
    send(chat_server, "tgram://123456:ABCdef/-100123", crash(), critical=True)
    assert chat_server.telegram_messages("-100123") == [TELEGRAM_GOLDEN]


def test_discord_markdown_golden(chat_server: ChatServer) -> None:
    send(chat_server, "discord://111/TOKEN?avatar=no", crash())
    [request] = chat_server.to("/api/webhooks/111/TOKEN")
    assert request.json["content"] == MARKDOWN_GOLDEN


def test_hostile_title_in_slack_is_inert(chat_server: ChatServer) -> None:
    send(chat_server, "slack://T1/B1/XYZ", hostile())
    [payload] = chat_server.slack_messages()
    text = slack_text(payload)
    # no mention, link or user reference survives as markup
    assert "<!channel>" not in text
    assert "<!here>" not in text
    assert "<@U123" not in text
    assert "&lt;!channel&gt;" in text
    assert "&lt;!here&gt;" in text
    assert "@everyone" not in text
    assert "@\u200beveryone" in text
    # exactly one link, ours, with its URL percent-encoded so `|` and `>` cannot end it early
    links = re.findall(r"<(https?://[^|>]+)\|", text)
    assert links == ["https://news.example/a?b=1&amp;c=%3C2%3E%7Cx"]
    assert "<http://evil.example" not in text
    # mrkdwn markers from the article are look-alikes, so they cannot unbalance our bold
    section = payload["attachments"][0]["blocks"][1]["text"]["text"].split("\n")[0]
    assert section.startswith("*<https://")
    assert section.count("*") == 2 + section.count("*3*")
    assert "`" not in section
    assert "~s~" not in section
    assert "_it_" not in section
    # a newline in the title cannot forge a line of facts
    assert not any(line.startswith("• Fatalities") for line in text.split("\n"))
    assert "&lt;script&gt;" in text


def test_hostile_title_in_telegram_is_escaped(chat_server: ChatServer) -> None:
    send(chat_server, "tgram://123456:ABCdef/-100123", hostile())
    text = chat_server.telegram_messages()[0]["text"]
    tags = re.findall(r"</?([a-z]+)", text)
    assert set(tags) <= {"b", "i", "a", "code"}  # only our markup; <b>hi</b> arrived escaped
    assert "&lt;b&gt;hi&lt;/b&gt;" in text
    assert "&lt;!channel&gt;" in text
    assert text.count("<a href=") == 1
    assert 'href="https://news.example/a?b=1&amp;c=%3C2%3E%7Cx"' in text
    assert "Acme &amp; Sons &lt;!here&gt;" in text
    assert "@\u200beveryone" in text


def test_hostile_title_in_markdown_is_escaped(chat_server: ChatServer) -> None:
    send(chat_server, "discord://111/TOKEN", hostile())
    content = chat_server.to("/api/webhooks/")[0].json["content"]
    assert "\\<\\!channel\\>" in content or "\\<!channel\\>" in content
    assert "\\[x\\](http://evil.example)" in content
    assert "@\u200beveryone" in content
    assert "@\u200bhere" in content
    assert content.count("](<") == 1


@pytest.mark.parametrize(
    ("url", "limit"),
    [("tgram://123456:ABCdef/-100123", 4096), ("slack://T1/B1/XYZ", 3000)],
)
def test_a_huge_title_still_makes_exactly_one_message_within_the_limit(
    chat_server: ChatServer, url: str, limit: int
) -> None:
    huge = crash().model_copy(update={"title": "Crash & <burn> 💥 " * 2000})
    send(chat_server, url, huge)
    [request] = chat_server.requests
    payload = request.json
    if "text" in payload:
        assert len(payload["text"].encode("utf-16-le")) // 2 <= limit
    else:
        section = payload["attachments"][0]["blocks"][1]["text"]["text"]
        assert len(section) <= limit
        assert section.startswith("*<https://news.example/air-acme-crash|Crash &amp;")


def test_digest_is_one_message_listing_each_alert(chat_server: ChatServer) -> None:
    channel = build(
        ChannelConfig(name="t", url="tgram://123456:ABCdef/-100123"), settings(chat_server)
    )
    assert channel.kind is not None
    views = [view(crash()), view(hostile())]
    assert deliver(channel, render_digest(views, channel.kind)).ok
    [message] = chat_server.telegram_messages()
    assert message["text"].startswith("<b>🗞 Digest · 2 alerts</b>")
    assert "Air Acme flight AC123" in message["text"]
    assert message["text"].count("<a href=") == 2


SLACK_HOOK = "/services/T1/B1/XYZ"
BOT = "/bot123456:ABCdef/sendMessage"


@pytest.mark.parametrize(
    ("url", "path", "reply", "expected"),
    [
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(200, b"ok"), (True, None, False)),
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(429, b"", {"Retry-After": "9"}), (False, 9, False)),
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(429, b"rate_limited"), (False, 1, False)),
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(503, b"busy"), (False, None, False)),
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(408, b""), (False, None, False)),
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(403, b"invalid_token"), (False, None, True)),
        ("slack://T1/B1/XYZ", SLACK_HOOK, Reply(410, b"channel_is_archived"), (False, None, True)),
        (
            "slack://xoxb-1234-1234-abc124/#c",
            "/api/chat.postMessage",
            Reply(200, {"ok": False, "error": "channel_not_found"}),
            (False, None, True),
        ),
        (
            "slack://xoxb-1234-1234-abc124/#c",
            "/api/chat.postMessage",
            Reply(200, {"ok": False, "error": "internal_error"}),
            (False, None, False),
        ),
        (
            "slack://xoxb-1234-1234-abc124/#c",
            "/api/chat.postMessage",
            Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "4"}),
            (False, 4, False),
        ),
        (
            "tgram://123456:ABCdef/-100123",
            BOT,
            Reply(429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 35}}),
            (False, 35, False),
        ),
        (
            "tgram://123456:ABCdef/-100123",
            BOT,
            Reply(400, {"ok": False, "description": "Bad Request: chat not found"}),
            (False, None, True),
        ),
        ("tgram://123456:ABCdef/-100123", BOT, Reply(502, b"<html>"), (False, None, False)),
        (
            "slack://T1/B1/XYZ",
            SLACK_HOOK,
            Reply(302, b"", {"Location": "http://127.0.0.1:9/elsewhere"}),
            (False, None, True),
        ),
    ],
)
def test_answers_are_classified(
    chat_server: ChatServer,
    url: str,
    path: str,
    reply: Reply,
    expected: tuple[bool, float | None, bool],
) -> None:
    chat_server.script(path, reply)
    channel = build(ChannelConfig(name="t", url=url), settings(chat_server))
    assert channel.kind is not None
    outcome = deliver(channel, render(view(crash()), channel.kind))
    assert (outcome.ok, outcome.retry_after, outcome.permanent) == expected
    assert [r.path for r in chat_server.requests] == [path]
    assert "ABCdef" not in outcome.reason
    assert "xoxb" not in outcome.reason


def test_no_answer_in_time_is_a_transient_failure(chat_server: ChatServer) -> None:
    chat_server.script(SLACK_HOOK, Reply(200, b"ok", delay=1.0))
    wired = NotifierSettings.model_validate(
        {"endpoints": chat_server.endpoints, "request_timeout": 0.2}
    )
    channel = build(ChannelConfig(name="t", url="slack://T1/B1/XYZ"), wired)
    assert channel.kind is not None
    outcome = deliver(channel, render(view(crash()), channel.kind))
    assert (outcome.ok, outcome.permanent) == (False, False)
    assert outcome.reason == "slack webhook: no answer within 0.2 s"


def test_a_url_without_a_destination_is_refused_at_build() -> None:
    with pytest.raises(ChannelError, match=r"names no chat or channel") as info:
        build(ChannelConfig(name="t", url="tgram://123456:ABCdef"), NotifierSettings())
    assert "ABCdef" not in str(info.value)


def test_a_chat_that_moved_is_named_in_the_reason(chat_server: ChatServer) -> None:
    moved = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -1009876},
    }
    chat_server.script(BOT, Reply(400, moved))
    channel = build(
        ChannelConfig(name="t", url="tgram://123456:ABCdef/-100123"), settings(chat_server)
    )
    assert channel.kind is not None
    outcome = deliver(channel, render(view(crash()), channel.kind))
    assert outcome.permanent
    assert outcome.reason == (
        "telegram chat -100123: HTTP 400 Bad Request: group chat was upgraded to a supergroup "
        "chat (the chat is now -1009876: update the channel URL)"
    )


def test_a_refused_connection_is_transient_and_named() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    wired = NotifierSettings.model_validate({"endpoints": {"telegram": nowhere}})
    channel = build(ChannelConfig(name="t", url="tgram://123456:ABCdef/-100123"), wired)
    assert channel.kind is not None
    outcome = deliver(channel, render(view(crash()), channel.kind))
    assert (outcome.ok, outcome.permanent) == (False, False)
    assert outcome.reason.startswith("telegram chat -100123: ConnectionError ([Errno")
    assert "Connection refused" in outcome.reason
    assert "ABCdef" not in outcome.reason
