"""What a trader must see in chat for a story, checked on what the chat server received."""

import re

from tests.e2e.stories import SLACK_MARKETS, SLACK_RECALLS, TELEGRAM_CHAT, Story
from tests.support.chatserver import ChatServer, slack_text

BADGES = {"recall": "RECALL", "crash": "CRASH", "target_change": "TARGET"}


def _plain(text: str) -> str:
    """Telegram HTML / Slack mrkdwn to bare text, so assertions read the words."""
    text = re.sub(r"<(https?://[^|>]+)\|([^>]*)>", r"\2 \1", text)  # Slack <url|label>
    text = re.sub(r'<a href="([^"]+)">', r"\1 ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def messages_for(chat: ChatServer, story: Story) -> dict[str, list[str]]:
    """Every delivered message that mentions `story`'s link, per destination."""
    out: dict[str, list[str]] = {"slack-recalls": [], "slack-markets": [], "telegram": []}
    for hook, name in ((SLACK_RECALLS, "slack-recalls"), (SLACK_MARKETS, "slack-markets")):
        for payload in chat.slack_messages(hook):
            text = slack_text(payload)
            if story.link in text:
                out[name].append(_plain(text))
    for payload in chat.telegram_messages(TELEGRAM_CHAT):
        text = str(payload.get("text", ""))
        if story.link in text:
            out["telegram"].append(_plain(text))
    return out


def expected_destinations(story: Story) -> dict[str, int]:
    """How many messages each destination must get for `story`."""
    return {
        "slack-recalls": 1 if story.type == "recall" else 0,
        "slack-markets": 1 if story.type in ("crash", "target_change") else 0,
        "telegram": 1 if story.type else 0,
    }


def assert_delivered_once(chat: ChatServer, story: Story) -> None:
    """Exactly one message per right destination, carrying everything a trader needs."""
    got = messages_for(chat, story)
    counts = {name: len(texts) for name, texts in got.items()}
    assert counts == expected_destinations(story), (story.guid, counts)
    for texts in got.values():
        for text in texts:
            for needle in (story.title, BADGES[story.type or ""], story.company, story.ticker):
                assert needle in text, (story.guid, needle, text)
            assert story.figure in text, (story.guid, story.figure, text)
