"""WebSub subscriber (W3C Recommendation, 23 January 2018): pushes from hubs feeds advertise.

Off by default (`poller.websub.enabled`). For a feed with `<link rel="hub">` the poller asks
the hub to subscribe (spec 5.1) with a callback `{callback_base_url}/websub/{token}`; the hub
verifies intent with a GET carrying `hub.challenge` (5.3), which is echoed only for a topic we
asked for; content arrives as a POST (7) and, when a secret is configured, is accepted only
with a valid `X-Hub-Signature` (8: sha1/sha256/sha384/sha512 HMAC of the body). Polling goes
on as the fallback; pushed entries go through the same parse and dedupe as polled ones.
"""

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
import structlog
from aiohttp import web

from services.poller.config import WebSubSettings
from services.poller.links import is_public_host

log = structlog.get_logger(__name__)

WEBSUB_LISTENING = "websub_listening"
WEBSUB_SUBSCRIBE_SENT = "websub_subscribe_sent"
WEBSUB_SUBSCRIBE_FAILED = "websub_subscribe_failed"
WEBSUB_VERIFIED = "websub_verified"
WEBSUB_DENIED = "websub_denied"
WEBSUB_BAD_SIGNATURE = "websub_bad_signature"
WEBSUB_PUSH = "websub_push_received"

_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
               "sha512": hashlib.sha512}  # fmt: skip
PushHandler = Callable[[str, bytes, str | None], Awaitable[None]]
VerifiedHandler = Callable[[str, float], None]


def token_for(key: str) -> str:
    """The callback path segment of a feed: not guessable from the feed URL alone."""
    return hashlib.sha256(f"websub\x00{key}".encode()).hexdigest()[:24]


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """True when `header` ('sha256=hex') is the HMAC of `body` under `secret`."""
    if not header or "=" not in header:
        return False
    method, _, digest = header.partition("=")
    algorithm = _ALGORITHMS.get(method.strip().lower())
    if algorithm is None:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


@dataclass(frozen=True, slots=True)
class _Subscription:
    key: str
    topic: str


class WebSub:
    """Subscribes feeds at their hubs and receives their pushes on an aiohttp.web endpoint."""

    def __init__(
        self,
        settings: WebSubSettings,
        session: aiohttp.ClientSession,
        on_push: PushHandler,
        on_verified: VerifiedHandler,
        max_body_bytes: int,
    ) -> None:
        self.settings = settings
        self.session = session
        self.on_push = on_push
        self.on_verified = on_verified
        self.max_body_bytes = max_body_bytes
        self.base_url = settings.callback_base_url.rstrip("/")
        self.subscriptions: dict[str, _Subscription] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen for hub callbacks."""
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_get("/websub/{token}", self._verify)
        app.router.add_post("/websub/{token}", self._push)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.listen_host, self.settings.listen_port)
        await site.start()
        port = self._runner.addresses[0][1] if self._runner.addresses else 0
        if not self.base_url:
            self.base_url = f"http://{self.settings.listen_host}:{port}"
        log.info(WEBSUB_LISTENING, host=self.settings.listen_host, port=port, base=self.base_url)

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def hub_allowed(self, hub: str) -> bool:
        """http(s) hubs on public hosts only, unless private hubs are allowed (tests)."""
        parts = urlsplit(hub)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        return self.settings.allow_private_hubs or is_public_host(parts.hostname)

    async def subscribe(self, key: str, hub: str, topic: str) -> bool:
        """Ask `hub` to push `topic` to us (spec 5.1); True when the hub accepted the request."""
        if not self.hub_allowed(hub):
            log.warning(WEBSUB_SUBSCRIBE_FAILED, feed_key=key, hub=hub, error="hub not allowed")
            return False
        token = token_for(key)
        self.subscriptions[token] = _Subscription(key, topic)
        form = {
            "hub.callback": f"{self.base_url}/websub/{token}",
            "hub.mode": "subscribe",
            "hub.topic": topic,
            "hub.lease_seconds": str(self.settings.lease_seconds),
        }
        if self.settings.secret:
            form["hub.secret"] = self.settings.secret
        try:
            async with self.session.post(hub, data=form) as resp:
                accepted = resp.status in (202, 204)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning(WEBSUB_SUBSCRIBE_FAILED, feed_key=key, hub=hub, error=str(exc))
            return False
        if not accepted:
            log.warning(WEBSUB_SUBSCRIBE_FAILED, feed_key=key, hub=hub, error=f"HTTP {status}")
            return False
        log.info(WEBSUB_SUBSCRIBE_SENT, feed_key=key, hub=hub, topic=topic)
        return True

    async def _verify(self, request: web.Request) -> web.Response:
        sub = self.subscriptions.get(request.match_info["token"])
        query = request.query
        mode, topic = query.get("hub.mode"), query.get("hub.topic")
        if sub is None or topic != sub.topic:
            return web.Response(status=404)
        if mode == "denied":
            log.warning(WEBSUB_DENIED, feed_key=sub.key, reason=query.get("hub.reason"))
            return web.Response(status=200)
        if mode not in ("subscribe", "unsubscribe") or "hub.challenge" not in query:
            return web.Response(status=404)
        lease = float(query.get("hub.lease_seconds") or self.settings.lease_seconds)
        if mode == "subscribe":
            self.on_verified(sub.key, time.time() + lease)
            log.info(WEBSUB_VERIFIED, feed_key=sub.key, lease_seconds=lease)
        return web.Response(status=200, text=query["hub.challenge"])

    async def _push(self, request: web.Request) -> web.Response:
        sub = self.subscriptions.get(request.match_info["token"])
        if sub is None:
            return web.Response(status=410)  # spec 7: tells the hub to stop
        body = await request.read()
        secret = self.settings.secret
        if secret and not signature_ok(secret, body, request.headers.get("X-Hub-Signature")):
            log.warning(WEBSUB_BAD_SIGNATURE, feed_key=sub.key)
            return web.Response(status=202)  # spec 8: acknowledge, but ignore the content
        log.info(WEBSUB_PUSH, feed_key=sub.key, bytes=len(body))
        await self.on_push(sub.key, body, request.headers.get("Content-Type"))
        return web.Response(status=202)
