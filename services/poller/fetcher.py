"""HTTP and local-file fetching: one pooled aiohttp session, conditional GET, bounded bodies.

Conditional requests follow RFC 9110 13.1 (If-None-Match / If-Modified-Since); a 304
(RFC 9110 15.4.5) means "unchanged" and costs no parse. Redirects are followed up to a
limit; when every hop was permanent (301/308, RFC 9110 15.4.2/15.4.9) the caller moves
the feed's URL, as miniflux does.
"""

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urlsplit

import aiohttp

from services import __version__
from services.core.httpdates import retry_after_seconds
from services.poller.config import PollerSettings
from services.poller.errors import FetchFailed, Gone, TooLarge
from services.poller.neterrors import describe as describe_client_error

USER_AGENT = f"redflag/{__version__} (news-event alerting feed poller; +https://github.com/redflag)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
_CHUNK = 1 << 16
_PERMANENT = frozenset({301, 308})
_RETRYABLE = frozenset({429, 503})
_GONE = 410


@dataclass(slots=True)
class Response:
    """A fetched feed: status 200 with a body, or 304 without one."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    url: str = ""
    moved_to: str | None = None  # set when every redirect on the way was permanent


def is_local(url: str) -> bool:
    """True for file:// URLs and plain paths."""
    scheme = urlsplit(url).scheme.lower()
    return scheme in {"file", ""} or len(scheme) == 1  # 'C:' style drive letters


def local_path(url: str) -> Path:
    """The filesystem path of a file:// URL or a plain path."""
    parts = urlsplit(url)
    return Path(unquote(parts.path)) if parts.scheme.lower() == "file" else Path(url)


def read_local(url: str, max_bytes: int) -> Response:
    """Read a feed from disk (for `redflag fetch` and the demo); same size limit as HTTP."""
    path = local_path(url)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"file is {size} bytes, over the {max_bytes}-byte limit")
        body = path.read_bytes()
    except OSError as exc:
        raise FetchFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    return Response(200, body, {}, path.resolve().as_uri())


class Fetcher:
    """One aiohttp session for all feeds: pooled keep-alive connections, limits from settings."""

    def __init__(self, settings: PollerSettings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        s = self.settings
        connector = aiohttp.TCPConnector(
            limit=s.concurrency, limit_per_host=s.per_host, ttl_dns_cache=300, keepalive_timeout=75
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=s.total_timeout, sock_connect=s.connect_timeout, sock_read=s.read_timeout
            ),
            headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT},
            auto_decompress=True,  # gzip, deflate, and br (the brotli package is installed)
            raise_for_status=False,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session (WebSub subscription requests use it too)."""
        assert self._session is not None, "use `async with Fetcher(...)`"
        return self._session

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET `url` (or read it from disk); raises FetchFailed, Gone or TooLarge."""
        if is_local(url):
            return await asyncio.to_thread(read_local, url, self.settings.max_body_bytes)
        assert self._session is not None, "use `async with Fetcher(...)`"
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with self._session.get(
                url, headers=headers, max_redirects=self.settings.max_redirects
            ) as resp:
                return await self._read(resp)
        except aiohttp.TooManyRedirects:
            raise FetchFailed(f"more than {self.settings.max_redirects} redirects") from None
        except aiohttp.ClientResponseError as exc:
            raise FetchFailed(f"HTTP error: {exc.message}", status=exc.status) from None
        except aiohttp.ClientError as exc:
            raise FetchFailed(describe_client_error(exc)) from None
        except TimeoutError:
            raise FetchFailed("timed out") from None

    async def _read(self, resp: aiohttp.ClientResponse) -> Response:
        headers = {k.lower(): v for k, v in resp.headers.items()}
        moved = None
        if resp.history and all(r.status in _PERMANENT for r in resp.history):
            moved = str(resp.url)
        if resp.status == 304:
            return Response(304, b"", headers, str(resp.url), moved)
        if resp.status == _GONE:
            raise Gone("HTTP 410 Gone: the publisher removed the feed")
        if resp.status >= 400:
            retry = retry_after_seconds(headers.get("retry-after"))
            raise FetchFailed(
                f"HTTP {resp.status} {resp.reason or ''}".rstrip(),
                status=resp.status,
                retry_after=retry if resp.status in _RETRYABLE else None,
            )
        limit = self.settings.max_body_bytes
        if resp.content_length is not None and resp.content_length > limit:
            raise TooLarge(f"Content-Length {resp.content_length} is over the {limit}-byte limit")
        chunks, size = [], 0
        async for chunk in resp.content.iter_chunked(_CHUNK):  # decompressed bytes
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"body passed the {limit}-byte limit (decompressed)")
            chunks.append(chunk)
        return Response(resp.status, b"".join(chunks), headers, str(resp.url), moved)
