"""Events end to end, embedded: four outlets, one alert; the update threaded; kill -9 (#12)."""

from pathlib import Path

from services.app.runner import run_embedded
from services.app.settings import load_settings
from tests.e2e.event_stories import (
    ROUND_1,
    check_thread,
    documents,
    feed_configs,
    round_2,
    serve,
    telegram,
    until,
)
from tests.e2e.stories import write_config
from tests.support.chatserver import ChatServer, chat_server
from tests.support.drained import pipeline, sqlite_drained
from tests.support.feedserver import FeedServer
from tests.support.procs import Stage, stage_env

__all__ = ["chat_server"]


async def test_one_event_from_four_feeds_is_one_alert_then_one_update(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    async with FeedServer() as feeds:
        serve(feeds, ROUND_1)
        config = write_config(
            tmp_path / "redflag.yaml",
            state_dir=str(tmp_path / "state"),
            feeds=feed_configs(feeds),
            notifier={"endpoints": chat_server.endpoints},
        )
        settings = load_settings(config, env={})
        await run_embedded(settings, once=True)
        check_thread(chat_server, grown=False)
        serve(feeds, round_2())
        await run_embedded(settings, once=True)  # a restart between reports
        check_thread(chat_server, grown=True)


async def test_kill_9_between_reports_loses_nothing_and_repeats_nothing(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    """Slow (~10 s): `redflag run` starts twice, polls 1 s apart, and sends six Telegram
    messages at the chat's 1 message/s."""
    async with FeedServer() as feeds:
        serve(feeds, ROUND_1)
        config = write_config(
            tmp_path / "redflag.yaml",
            state_dir=str(tmp_path / "state"),
            feeds=feed_configs(feeds, interval=1),
            poller={"min_interval": 1, "default_interval": 1},
        )
        env = stage_env({"REDFLAG_CONFIG": str(config), **chat_server.env()})
        run = Stage(["run"], env, tmp_path / "run.log").start()
        try:
            await until(lambda: len(telegram(chat_server)) >= 4, 90)
            run.kill9()
            serve(feeds, round_2())
            run.start()
            await until(lambda: len(telegram(chat_server)) >= 6, 90)
            # two more polls of every feed, and all they published handled: nothing may repeat
            polled = {path: feeds.hits(path) for path in documents(round_2())}
            await until(lambda: all(feeds.hits(p) >= n + 2 for p, n in polled.items()), 30)
            kafka = load_settings(config, env={}).kafka
            await sqlite_drained(tmp_path / "state" / "bus.db", pipeline(kafka))
        finally:
            await run.stop_async()
        check_thread(chat_server, grown=True)
