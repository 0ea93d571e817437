"""`redflag demo`: the built-in sample feeds, served on loopback, through the embedded pipeline.

Nothing to install and no network: a newcomer sees what an alert looks like in seconds.
"""

import asyncio
import tempfile
from pathlib import Path
from typing import TextIO

from aiohttp import web

from services.app.settings import Settings
from services.classifier.config import Company
from services.poller.config import FeedConfig

FEEDS_DIR = Path(__file__).parent / "feeds"
FEEDS = {
    "autos-wire.xml": ("Autos Wire (sample)", "application/rss+xml", "en"),
    "china-ev.xml": ("新能源汽车快讯 (sample)", "application/atom+xml", "zh"),
}
WATCHLIST = (
    Company(company="Toyota Motor", tickers=("TM", "7203.T"), aliases=("Toyota", "丰田")),
    Company(company="Tesla", tickers=("TSLA",), aliases=("Tesla Inc", "特斯拉")),
    Company(company="BYD", tickers=("1211.HK", "002594.SZ"), aliases=("比亚迪",)),
    Company(company="NIO", tickers=("NIO", "9866.HK"), aliases=("Nio Inc", "蔚来")),
    Company(company="XPeng", tickers=("XPEV", "9868.HK"), aliases=("Xpeng", "小鹏汽车", "小鹏")),
    Company(company="Xiaomi", tickers=("1810.HK",), aliases=("小米", "小米汽车")),
    Company(company="Volvo Cars", tickers=("VOLCAR-B.ST",), aliases=("Volvo", "沃尔沃")),
    Company(company="Honda Motor", tickers=("HMC", "7267.T"), aliases=("Honda", "本田")),
    Company(company="Volkswagen", tickers=("VOW3.DE",), aliases=("VW", "大众")),
)


def _app() -> web.Application:
    async def serve(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in FEEDS:
            raise web.HTTPNotFound
        body = (FEEDS_DIR / name).read_bytes()
        return web.Response(body=body, content_type=FEEDS[name][1], charset="utf-8")

    app = web.Application()
    app.router.add_get("/{name}", serve)
    return app


async def demo(out: TextIO, state_dir: Path) -> None:
    """Serve the sample feeds on 127.0.0.1 and run the pipeline over them once."""
    from services.app.runner import run_embedded  # noqa: PLC0415 - heavy imports

    runner = web.AppRunner(_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        feeds = tuple(
            FeedConfig(
                name=title, url=f"http://127.0.0.1:{port}/{name}", lang=lang, allow_private=True
            )
            for name, (title, _, lang) in FEEDS.items()
        )
        settings = Settings(state_dir=state_dir, feeds=feeds, watchlist=WATCHLIST)
        out.write(
            f"redflag demo: polling {len(feeds)} sample feeds served on 127.0.0.1:{port} "
            "(articles written for the demo, not real news)\n\n"
        )
        await run_embedded(settings, once=True, out=out)
    finally:
        await runner.cleanup()


def run_demo(out: TextIO) -> int:
    """Run the demo in a throwaway state dir; exit status 0."""
    with tempfile.TemporaryDirectory(prefix="redflag-demo-") as tmp:
        asyncio.run(demo(out, Path(tmp)))
    out.write(
        "\nThat is redflag. Next: copy deploy/config/redflag.example.yaml, add a channel, "
        "and run `redflag run --config your.yaml`.\n"
    )
    return 0
