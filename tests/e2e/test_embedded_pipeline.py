"""End to end, embedded: feed server -> `run_embedded` -> Slack and Telegram on the chat server."""

from pathlib import Path

from services.app.runner import run_embedded
from services.app.settings import load_settings
from tests.e2e.checks import assert_delivered_once, messages_for
from tests.e2e.stories import BASIC, recall_stream, rss, write_config
from tests.support.chatserver import ChatServer, chat_server
from tests.support.feedserver import FeedServer

__all__ = ["chat_server"]  # the fixture, imported for pytest


async def test_each_event_reaches_the_right_channels_once(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    async with FeedServer() as feeds:
        feeds.set("/wire.xml", rss(BASIC))
        config = write_config(
            tmp_path / "redflag.yaml",
            state_dir=str(tmp_path / "state"),
            feeds=[{"name": "wire", "url": feeds.url("/wire.xml"), "allow_private": True}],
            notifier={"endpoints": chat_server.endpoints},
        )
        settings = load_settings(config, env={})
        await run_embedded(settings, once=True)

        for story in BASIC:
            assert_delivered_once(chat_server, story)

        # a restart over the same state with one new entry sends that entry only
        later = [*recall_stream(1), *BASIC]
        feeds.set("/wire.xml", rss(later))
        before = len(chat_server.requests)
        await run_embedded(settings, once=True)
        for story in later:
            assert_delivered_once(chat_server, story)
        assert len(chat_server.requests) - before == 2  # one Slack + one Telegram message


async def test_non_events_send_nothing(tmp_path: Path, chat_server: ChatServer) -> None:
    quiet = [s for s in BASIC if s.type is None]
    async with FeedServer() as feeds:
        feeds.set("/wire.xml", rss(quiet))
        config = write_config(
            tmp_path / "redflag.yaml",
            state_dir=str(tmp_path / "state"),
            feeds=[{"name": "wire", "url": feeds.url("/wire.xml"), "allow_private": True}],
            notifier={"endpoints": chat_server.endpoints},
        )
        await run_embedded(load_settings(config, env={}), once=True)
    assert all(not any(messages_for(chat_server, s).values()) for s in quiet)
    assert chat_server.requests == []
