"""WebSub subscriber (W3C Recommendation, 23 January 2018): pushes from hubs feeds advertise.

Off by default (`poller.websub.enabled`). For a feed with `<link rel="hub">` the poller asks
the hub to subscribe (spec 5.1) with a callback `{callback_base_url}/websub/{token}`, where
the token and the `hub.secret` are random and per subscription (stored in poller.db,
services.poller.subscriptions), and only https hubs get a secret (issue 11). The hub
verifies intent with a GET carrying `hub.challenge` (5.3), answered only for the request we
have pending, same topic and mode, with a bounded integer lease; content arrives as a POST
(7) and is accepted only with a valid `X-Hub-Signature` (8: sha1/sha256/sha384/sha512 HMAC
of the body under that subscription's secret), always. Polling goes on as the fallback;
pushed entries go through the same parse and dedupe as polled ones.
"""

import hashlib
import hmac
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from urllib.parse import urlsplit

import aiohttp
import structlog
from aiohttp import web

from services.poller.config import WebSubSettings
from services.poller.errors import FeedError
from services.poller.fetcher import Fetcher
from services.poller.subscriptions import Subscription, Subscriptions, new_subscription

log = structlog.get_logger(__name__)

WEBSUB_LISTENING = "websub_listening"
WEBSUB_SUBSCRIBE_SENT = "websub_subscribe_sent"
WEBSUB_SUBSCRIBE_FAILED = "websub_subscribe_failed"
WEBSUB_VERIFIED = "websub_verified"
WEBSUB_DENIED = "websub_denied"
WEBSUB_BAD_SIGNATURE = "websub_bad_signature"
WEBSUB_PUSH = "websub_push_received"
WEBSUB_REFUSED = "websub_request_refused"
WEBSUB_UNSUBSCRIBE_SENT = "websub_unsubscribe_sent"
MIN_LEASE = 60  # seconds: shorter leases would make us renew on nearly every poll
MAX_LEASE = 366 * 86400

_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
               "sha512": hashlib.sha512}  # fmt: skip
PushHandler = Callable[[str, bytes, str | None, str], Awaitable[None]]
VerifiedHandler = Callable[[str, float], None]


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


class WebSub:
    """Subscribes feeds at their hubs and receives their pushes on an aiohttp.web endpoint."""

    def __init__(
        self,
        settings: WebSubSettings,
        fetcher: Fetcher,
        store: Subscriptions,
        *,
        on_push: PushHandler,
        on_verified: VerifiedHandler,
        max_body_bytes: int,
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.store = store
        self.on_push = on_push
        self.on_verified = on_verified
        self.max_body_bytes = max_body_bytes
        self.base_url = settings.callback_base_url.rstrip("/")
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

    def hub_refusal(self, hub: str, *, allow_http: bool) -> str | None:
        """Why we will not subscribe at `hub` (None: we will). The secret goes to https
        hubs only unless the feed allows http; the host passes the egress policy."""
        try:
            self.fetcher.check(hub, allow_private=self.settings.allow_private_hubs)
        except FeedError as exc:
            return str(exc)
        if urlsplit(hub).scheme.lower() != "https" and not allow_http:
            return "hub is not https (set the feed's allow_http_hub to accept it)"
        return None

    async def subscribe(
        self, key: str, hub: str, topic: str, now: float, *, allow_http: bool = False
    ) -> bool:
        """Ask `hub` to push `topic` to us (spec 5.1); True when the hub accepted the request.
        A renewal at the same hub for the same topic keeps the callback and secret."""
        refusal = self.hub_refusal(hub, allow_http=allow_http)
        if refusal is not None:
            log.warning(WEBSUB_SUBSCRIBE_FAILED, feed_key=key, hub=hub, error=refusal)
            return False
        old = self.store.by_key(key)
        if old is not None and (old.hub, old.topic) == (hub, topic):
            sub = replace(old, pending="subscribe", requested=now)
        else:
            if old is not None:
                await self.unsubscribe(old.key)
            sub = new_subscription(key, hub, topic, now)
        self.store.save(sub)
        form = {"hub.secret": sub.secret,
                "hub.lease_seconds": str(self.settings.lease_seconds)}  # fmt: skip
        if await self._request(sub, "subscribe", form):
            log.info(WEBSUB_SUBSCRIBE_SENT, feed_key=key, hub=hub, topic=topic)
            return True
        return False

    async def unsubscribe(self, key: str) -> None:
        """Ask the hub to stop pushing a feed we no longer watch (spec 5.1); the row stays
        until the hub verifies, so its GET can be answered."""
        sub = self.store.by_key(key)
        if sub is None:
            return
        pending = replace(sub, pending="unsubscribe", requested=time.time())
        self.store.save(pending)
        if await self._request(pending, "unsubscribe", {}):
            log.info(WEBSUB_UNSUBSCRIBE_SENT, feed_key=key, hub=sub.hub)
        else:
            self.store.delete(key)  # the hub cannot be told; forget it (pushes then get 410)

    async def _request(self, sub: Subscription, mode: str, extra: dict[str, str]) -> bool:
        form = {"hub.callback": f"{self.base_url}/websub/{sub.token}", "hub.mode": mode,
                "hub.topic": sub.topic, **extra}  # fmt: skip
        session = self.fetcher.session(allow_private=self.settings.allow_private_hubs)
        try:
            async with session.post(sub.hub, data=form, allow_redirects=False) as resp:
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {getattr(exc, 'os_error', None) or exc}"
            log.warning(WEBSUB_SUBSCRIBE_FAILED, feed_key=sub.key, hub=sub.hub, error=error)
            return False
        if status not in (202, 204):
            log.warning(WEBSUB_SUBSCRIBE_FAILED, feed_key=sub.key, hub=sub.hub,
                        error=f"HTTP {status}")  # fmt: skip
            return False
        return True

    async def _verify(self, request: web.Request) -> web.Response:
        """Spec 5.3: answer only a request we have pending, for its topic and mode."""
        sub = self.store.by_token(request.match_info["token"])
        query = request.query
        mode, topic = query.get("hub.mode"), query.get("hub.topic")
        if sub is None or topic != sub.topic:
            return _refuse(404, sub, "unknown callback or topic")
        if mode == "denied":  # spec 5.2: only meaningful while we wait for a subscribe
            if sub.pending != "subscribe":
                return _refuse(404, sub, "denial of nothing pending")
            log.warning(WEBSUB_DENIED, feed_key=sub.key, reason=query.get("hub.reason"))
            self.store.delete(sub.key)
            return web.Response(status=200)
        if mode not in ("subscribe", "unsubscribe") or mode != sub.pending:
            return _refuse(404, sub, f"mode {mode!r} is not pending")
        challenge = query.get("hub.challenge")
        if not challenge:
            return _refuse(400, sub, "no hub.challenge")
        if mode == "unsubscribe":
            self.store.delete(sub.key)
            log.info(WEBSUB_VERIFIED, feed_key=sub.key, mode=mode)
            return web.Response(status=200, text=challenge)
        lease = parse_lease(query.get("hub.lease_seconds"))
        if lease is None:
            return _refuse(400, sub, "hub.lease_seconds is not an integer in bounds")
        now = time.time()
        self.store.verified(sub, lease, now)
        self.on_verified(sub.key, now + lease)
        log.info(WEBSUB_VERIFIED, feed_key=sub.key, mode=mode, lease_seconds=lease)
        return web.Response(status=200, text=challenge)

    async def _push(self, request: web.Request) -> web.Response:
        """Spec 7 and 8: content is accepted only signed with this subscription's secret."""
        sub = self.store.by_token(request.match_info["token"])
        if sub is None:
            return web.Response(status=410)  # spec 7: tells the hub to stop
        try:
            body = await request.read()
        except web.HTTPException as exc:  # e.g. 413 past client_max_size
            return _refuse(exc.status, sub, exc.reason)
        if not signature_ok(sub.secret, body, request.headers.get("X-Hub-Signature")):
            log.warning(WEBSUB_BAD_SIGNATURE, feed_key=sub.key)
            return web.Response(status=202)  # spec 8: acknowledge, but ignore the content
        linked = _self_link(request.headers.getall("Link", []))
        if linked is not None and linked != sub.topic:
            return _refuse(400, sub, "pushed topic is not the subscribed one")
        log.info(WEBSUB_PUSH, feed_key=sub.key, bytes=len(body))
        await self.on_push(sub.key, body, request.headers.get("Content-Type"), sub.topic)
        return web.Response(status=202)


def parse_lease(value: str | None) -> float | None:
    """A hub's lease: a decimal integer of seconds within [MIN_LEASE, MAX_LEASE], else None."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    lease = int(value)
    return float(lease) if MIN_LEASE <= lease <= MAX_LEASE else None


def _self_link(headers: list[str]) -> str | None:
    """The rel=self target of the push's Link headers (spec 7), if any."""
    for header in headers:
        for part in header.split(","):
            target, _, params = part.partition(";")
            if re.search(r"""rel\s*=\s*"?self"?""", params, re.IGNORECASE):
                return target.strip().strip("<>")
    return None


def _refuse(status: int, sub: Subscription | None, why: str) -> web.Response:
    log.warning(WEBSUB_REFUSED, feed_key=sub.key if sub else None, status=status, reason=why)
    return web.Response(status=status)
