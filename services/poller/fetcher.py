"""HTTP and local-file fetching: one pooled aiohttp session, conditional GET, bounded bodies.

Conditional requests follow RFC 9110 13.1 (If-None-Match / If-Modified-Since); a 304
(RFC 9110 15.4.5) means "unchanged" and costs no parse. Redirects are followed here, hop by
hop, up to a limit, each hop through services.core.egress's policy: a public feed never
reaches a private address, and a feed the operator allowed to be private (`allow_private`)
may stay on its own host but not go elsewhere private. When every hop was permanent
(301/308, RFC 9110 15.4.2/15.4.9) the response says so; the poller moves the feed only
once the redirect has held for a while (services.poller.redirects).
"""

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from services import __version__
from services.core.egress import (
    AddressPolicy,
    EgressRefused,
    GuardedResolver,
    NonPublic,
    address_is_public,
)
from services.core.egress import check_url as egress_check
from services.core.httpdates import retry_after_seconds
from services.poller.config import PollerSettings
from services.poller.errors import Blocked, FetchFailed, Gone, TooLarge
from services.poller.neterrors import describe as describe_client_error

USER_AGENT = f"redflag/{__version__} (news-event alerting feed poller; +https://github.com/redflag)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
_CHUNK = 1 << 16
_PERMANENT = frozenset({301, 308})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
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
    """Pooled aiohttp sessions for all feeds, limits from settings: `guarded` resolves through
    the egress policy; `open` (no policy) serves only feeds the operator allowed private."""

    def __init__(
        self,
        settings: PollerSettings,
        *,
        resolver: AbstractResolver | None = None,
        allowed: AddressPolicy = address_is_public,
    ) -> None:
        self.settings = settings
        self.resolver = resolver  # tests: a fake resolver mapping names to 127.0.0.x
        self.allowed = allowed
        self._guarded: aiohttp.ClientSession | None = None
        self._open: aiohttp.ClientSession | None = None

    def _session(self, resolver: AbstractResolver | None) -> aiohttp.ClientSession:
        s = self.settings
        connector = aiohttp.TCPConnector(
            limit=s.concurrency, limit_per_host=s.per_host, ttl_dns_cache=300,
            keepalive_timeout=75, resolver=resolver,
        )  # fmt: skip
        return aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=s.total_timeout, sock_connect=s.connect_timeout, sock_read=s.read_timeout
            ),
            headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT},
            auto_decompress=True,  # gzip, deflate, and br (the brotli package is installed)
            raise_for_status=False,
        )

    async def __aenter__(self) -> Self:
        self._guarded = self._session(GuardedResolver(self.resolver, self.allowed))
        self._open = self._session(self.resolver)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for session in (self._guarded, self._open):
            if session is not None:
                await session.close()
        self._guarded = self._open = None

    def session(self, *, allow_private: bool = False) -> aiohttp.ClientSession:
        """The session for a request that may (or may not) reach private addresses."""
        session = self._open if allow_private else self._guarded
        assert session is not None, "use `async with Fetcher(...)`"
        return session

    def check(self, url: str, *, allow_private: bool = False, hint: str = "") -> None:
        """Raise Blocked when the policy refuses `url` before any connection."""
        try:
            egress_check(url, allow_private=allow_private, allowed=self.allowed)
        except EgressRefused as exc:
            raise _blocked(url, exc, hint) from None

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        allow_private: bool = False,
    ) -> Response:
        """GET `url` (or read it from disk); raises FetchFailed, Blocked, Gone or TooLarge.

        `allow_private` lets the configured URL's own host be private; redirects elsewhere
        are held to the public policy (with `poller.allow_private_feeds`, nothing is)."""
        if is_local(url):
            return await asyncio.to_thread(read_local, url, self.settings.max_body_bytes)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        lab = self.settings.allow_private_feeds
        home = urlsplit(url).hostname
        current, permanent, hint = url, True, _PRIVATE_HINT
        try:
            for _ in range(self.settings.max_redirects + 1):
                private_ok = lab or (allow_private and urlsplit(current).hostname == home)
                self.check(current, allow_private=private_ok, hint=hint)
                session = self.session(allow_private=private_ok)
                async with session.get(current, headers=headers, allow_redirects=False) as resp:
                    location = resp.headers.get("Location")
                    if resp.status not in _REDIRECTS or not location:
                        moved = current if permanent and current != url else None
                        return await self._read(resp, moved)
                    permanent = permanent and resp.status in _PERMANENT
                    current, hint = urljoin(current, location), " (a redirect)"
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, EgressRefused):
                raise _blocked(current, exc.os_error, hint) from None
            raise FetchFailed(describe_client_error(exc)) from None
        except aiohttp.ClientResponseError as exc:
            raise FetchFailed(f"HTTP error: {exc.message}", status=exc.status) from None
        except aiohttp.ClientError as exc:
            raise FetchFailed(describe_client_error(exc)) from None
        except TimeoutError:
            raise FetchFailed("timed out") from None
        raise FetchFailed(f"more than {self.settings.max_redirects} redirects")

    async def _read(self, resp: aiohttp.ClientResponse, moved: str | None) -> Response:
        headers = {k.lower(): v for k, v in resp.headers.items()}
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


_PRIVATE_HINT = " (a feed on your own network needs `allow_private: true`)"


def _blocked(url: str, exc: EgressRefused, hint: str) -> Blocked:
    """The refusal in words; the hint only where it applies (never for odd spellings)."""
    return Blocked(f"refused {_origin(url)}: {exc}{hint if isinstance(exc, NonPublic) else ''}")


def _origin(url: str) -> str:
    """scheme://host[:port] of `url`, for messages (no path or query, which may carry keys)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
