"""A local feed server (aiohttp.web) for poller tests: scripted answers, recorded requests.

    async with FeedServer() as server:
        server.set("/a.xml", Route(body=rss, etag='"v1"'))     # 304 when If-None-Match matches
        server.script("/b.xml", Route(status=503, headers={"Retry-After": "120"}), Route(body=rss))
        url = server.url("/a.xml")
        ...
        assert server.hits("/a.xml") == 2

Answers in a script are consumed in order and the last one repeats. A `Route` can delay,
gzip its body, redirect (`status=301, location=...`) or stream a body larger than its
Content-Length says. Every request is recorded with its headers.
"""

import asyncio
import gzip
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Self

from aiohttp import web


@dataclass(frozen=True)
class Route:
    """One scripted answer."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    gzip: bool = False
    location: str | None = None
    content_type: str = "application/rss+xml; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """What the poller sent."""

    path: str
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when it arrived (benchmarks time a feed from here)


class FeedServer:
    """Serves scripted feeds on 127.0.0.1 (or another loopback address) and a free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[Request] = []
        self._scripts: defaultdict[str, list[Route]] = defaultdict(list)
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])  # (host, port) of the bound socket
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return f"http://{self.host}:{self.port}{path}"

    def set(self, path: str, route: Route | bytes) -> None:
        """Answer `route` (or 200 with these bytes) from now on."""
        self._scripts[path] = [route if isinstance(route, Route) else Route(body=route)]

    def script(self, path: str, *routes: Route) -> None:
        """Answer these in order, then keep answering the last."""
        self._scripts[path] = list(routes)

    def hits(self, path: str) -> int:
        """How many requests `path` got."""
        return sum(1 for r in self.requests if r.path == path)

    def last(self, path: str) -> Request:
        """The latest request for `path`."""
        return [r for r in self.requests if r.path == path][-1]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        self.requests.append(Request(path, dict(request.headers), time.monotonic()))
        script = self._scripts.get(path) or self._scripts.get(request.path)
        if not script:
            return web.Response(status=404, text="no such feed")
        route = script.pop(0) if len(script) > 1 else script[0]
        if route.delay:
            await asyncio.sleep(route.delay)
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.location:
            headers["Location"] = route.location
        since = request.headers.get("If-Modified-Since")
        if route.status == 200 and (
            (route.etag and request.headers.get("If-None-Match") == route.etag)
            or (route.last_modified and since == route.last_modified)
        ):
            return web.Response(status=304, headers=headers)
        body = route.body
        if route.gzip:
            body = gzip.compress(body, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
        headers.setdefault("Content-Type", route.content_type)
        return web.Response(status=route.status, body=body, headers=headers)


def rss_feed(items: list[dict[str, str]], *, title: str = "Test feed", extra: str = "") -> bytes:
    """An RSS 2.0 document; each item dict may hold title, link, guid, pubDate, description."""
    parts = []
    for item in items:
        fields = "".join(
            f"<{name}>{_escape(value)}</{name}>"
            for name, value in item.items()
            if name in ("title", "link", "guid", "pubDate", "description")
        )
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{_escape(title)}</title><link>https://news.example.com/</link>"
        f"<description>test</description>{extra}{''.join(parts)}</channel></rss>"
    ).encode()


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
