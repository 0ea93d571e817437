"""Channels as built once at start-up: how to send, how to render for it, its limits.

`build(config, settings)` turns a `ChannelConfig` into a `Channel` or raises `ChannelError`
(apprise returned None: the URL is misconfigured). apprise parses every URL; Slack and
Telegram are then sent by `transport` (typed outcomes, Retry-After), every other service by
apprise. `deliver(channel, message)` is blocking, so the stage calls it in a worker thread.
"""

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TextIO

import apprise
from apprise import AppriseAsset, NotifyFormat, NotifyType

from services.core.redact import MASK, mask_url, redact_urls, register_secret
from services.notifier.answers import Outcome
from services.notifier.config import ChannelConfig, NotifierSettings, parse_rate
from services.notifier.pacing import Limit
from services.notifier.render import Kind, Rendered
from services.notifier.transport import (
    SlackBot,
    SlackWebhook,
    Tag,
    TelegramBot,
    Transport,
)

__all__ = ["Channel", "ChannelError", "Outcome", "Tag", "build", "close", "deliver"]

_LEVELS = {"info": NotifyType.INFO, "warning": NotifyType.WARNING, "failure": NotifyType.FAILURE}


class ChannelError(Exception):
    """A channel that cannot be used; the message never contains the URL's secrets."""


@dataclass
class Channel:
    """A configured destination, ready to send."""

    config: ChannelConfig
    kind: Kind | None  # None: the console pseudo-channel
    notifier: apprise.Apprise | None = None  # sends, unless `transport` does
    transport: Transport | None = None
    display_url: str = ""
    limits: tuple[tuple[Limit, int], ...] = ()
    max_length: int | None = None
    out: TextIO | None = None

    @property
    def name(self) -> str:
        """The channel's configured name."""
        return self.config.name

    @property
    def targets(self) -> tuple[str, ...]:
        """Where one message goes, one POST each ("" = the one destination apprise knows)."""
        return tuple(self.transport.targets) if self.transport is not None else ("",)

    @property
    def threads(self) -> bool:
        """True when later reports can reply under the first (Slack bot token, Telegram)."""
        return self.transport is not None and self.transport.threads

    @property
    def pause_keys(self) -> list[str]:
        """Destinations a failure of this channel pauses: its own, never a shared bot's."""
        return [limit.key for limit, _ in self.limits if not limit.key.endswith(":bot")]


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:12]


def kind_of(service: Any) -> Kind:
    """How to render for an apprise service: by plugin, else by the format it resolves to."""
    protocol = str(getattr(service, "secure_protocol", "") or "")
    if protocol == "slack":
        return "slack"
    if protocol == "tgram":
        return "telegram"
    resolved = service.resolve_format(NotifyFormat.MARKDOWN)
    if resolved == NotifyFormat.MARKDOWN:
        return "markdown"
    return "html" if resolved == NotifyFormat.HTML else "text"


def default_limits(service: Any, kind: Kind) -> list[tuple[Limit, int]]:
    """The service's published limits, one window per destination this URL posts to."""
    ident = _digest(service.url_identifier)
    if kind == "slack":
        targets = list(getattr(service, "channels", None) or [None])
        return [(Limit(f"slack:{ident}:{t or '-'}", 1, 1.0), 1) for t in targets]
    if kind == "telegram":
        chats = [str(chat) for chat, _topic in getattr(service, "targets", None) or []]
        limits = [(Limit(f"tgram:{ident}:bot", 30, 1.0), max(1, len(chats)))]
        for chat in chats:
            limits.append((Limit(f"tgram:{ident}:{chat}", 1, 1.0), 1))
            if chat.startswith("-"):  # groups and channels: 20 messages a minute
                limits.append((Limit(f"tgram:{ident}:{chat}:group", 20, 60.0), 1))
        return limits
    return []


def _transport(service: Any, kind: Kind, settings: NotifierSettings) -> Transport | None:
    """Slack and Telegram are sent by redflag itself (typed outcomes); None: apprise sends."""
    ends, timeout = settings.endpoints, settings.request_timeout
    if kind == "slack":
        channels = [str(c) for c in service.channels or [] if c]
        if service.mode == "bot":
            return SlackBot(ends.slack_api, service.access_token, channels, timeout)
        tokens = (service.token_a, service.token_b, service.token_c)
        return SlackWebhook(ends.slack_hooks, tokens, channels or [""], timeout, service.user)
    if kind == "telegram":
        chats = [f"{chat}:{topic}" if topic else str(chat) for chat, topic in service.targets]
        return TelegramBot(
            ends.telegram,
            service.bot_token,
            chats,
            timeout,
            silent=bool(service.silent),
            preview=bool(service.preview),
        )
    return None


def build(config: ChannelConfig, settings: NotifierSettings, out: TextIO | None = None) -> Channel:
    """Parse and check the channel's URL once; raise ChannelError if it cannot be used."""
    raw = config.url.get_secret_value().strip()
    if raw.lower().startswith("console://"):
        return Channel(config, None, display_url="console://", out=out)
    register_secret(raw)
    # memory: no apprise state files; async_mode off and no service timeout: the send runs
    # in our worker thread (one per channel), bounded by the URL's `cto`/`rto` timeouts,
    # instead of queueing in apprise's shared pool, which a slow service could fill.
    asset = AppriseAsset(storage_mode="memory", async_mode=False, service_timeout=0)
    service = apprise.Apprise.instantiate(raw, asset=asset)
    scheme = raw.split("://", 1)[0]
    if service is None:
        raise ChannelError(
            f"channel {config.name!r}: apprise cannot use its URL "
            f"({scheme}://{MASK}): check the tokens and options"
        )
    kind = kind_of(service)
    transport = _transport(service, kind, settings)
    if transport is not None and not transport.targets:  # apprise would guess; we do not
        raise ChannelError(
            f"channel {config.name!r}: its URL ({scheme}://{MASK}) names no chat or channel "
            "to post to"
        )
    if config.rate_limit is not None:
        rate = parse_rate(config.rate_limit)
        limits = [] if rate is None else [(Limit(f"channel:{config.name}", *rate), 1)]
    else:
        limits = default_limits(service, kind) if settings.pacing else []
    notifier = None
    if transport is None:
        if limits or not settings.pacing or config.rate_limit is not None:
            # redflag paces this destination itself; apprise's own per-object sleep
            # would stack on top and cap the rate below the configured limit.
            service.request_rate_per_sec = 0
        notifier = apprise.Apprise(asset=asset)
        notifier.add(service)
    limit = int(getattr(service, "body_maxlen", 0) or 0) or None
    return Channel(
        config,
        kind,
        notifier=notifier,
        transport=transport,
        display_url=mask_url(raw),
        limits=tuple(limits),
        max_length=limit,
    )


def deliver(
    channel: Channel,
    message: Rendered,
    target: str | None = None,
    reply_to: str | None = None,
    tag: Tag | None = None,
) -> Outcome:
    """Send one message to `target`, or to every target (blocking); never raises.

    `reply_to` (with one `target`) posts it as a reply in that message's thread; `tag` says
    what the message is in the delivery log, kept with it where the service can (Slack).

    With every target, the first failure stops the round: the worker sends one target at a
    time instead, so it can record each acceptance before the next POST.
    """
    if channel.transport is not None:
        outcome = Outcome(True)
        for one in channel.targets if target is None else (target,):
            outcome = channel.transport.send(one, message, reply_to, tag)
            if not outcome.ok:
                return outcome
        return outcome  # with one target, it carries the new message's id
    if channel.notifier is None:
        if channel.out is not None:
            channel.out.write(message.body)
            channel.out.flush()
        return Outcome(True)
    try:
        result = channel.notifier.notify(
            body=message.body,
            title=message.title,
            body_format=NotifyFormat(message.body_format),
            notify_type=_LEVELS[message.level],
        )
    except Exception as exc:  # any plugin crash is a failed, retryable send
        return Outcome(False, redact_urls(f"{type(exc).__name__}: {exc}"))
    if result:
        return Outcome(True)
    return Outcome(False, _reason(result))


def close(channels: Collection[Channel]) -> None:
    """Release what the channels hold open (pooled connections)."""
    for channel in channels:
        if channel.transport is not None:
            channel.transport.close()


def _reason(result: Any) -> str:
    """A human line for a failed result: apprise's status and its warning lines, redacted."""
    status = getattr(getattr(result, "status", None), "name", "FAILURE")
    lines: list[str] = []
    for entry in result.logs() if hasattr(result, "logs") else ():
        if entry.level in {"WARNING", "ERROR", "CRITICAL"} and entry.message not in lines:
            lines.append(str(entry.message))
    detail = "; ".join(lines[-3:])
    return redact_urls(f"{status.lower()}: {detail}" if detail else status.lower())
