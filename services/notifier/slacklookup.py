"""After a crash mid-send, ask Slack whether the message arrived instead of guessing (#13).

Every message posted with a bot token carries Slack message metadata naming its delivery-log
key (`transport.slack_metadata`). At start-up, a leftover `attempting` row of a bot-token
channel is settled by reading the channel back from a little before the claim
(`conversations.history`, and `conversations.replies` of the thread it would have joined),
per target the log has not yet seen accept it:

* found on every such target: `delivered`, the message's `channel ts` kept as a delivery
  keeps it (a thread parent for later reports);
* missing somewhere: the message never reached Slack there, so the row is `failed` and the
  redelivered record sends it, once, to the targets still missing it (a `redflag deadletter
  replay` cut short has no record coming back: its pair is `dead` again, to be replayed);
* the read fails (connection, 429, `missing_scope`, `not_in_channel`, too many messages to
  read): the row is left to `notifier.on_uncertain`, with a warning naming why.

Ops notices (`ops:...`) are left to `on_uncertain` unread: nothing would send one again.

Reads: `channels:history` (`groups:history` for a private channel); a target given by name
needs `channels:read` (`groups:read`) to find its id through `conversations.list`.
"""

import asyncio
import re
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from functools import partial
from typing import Any

import requests
import structlog

from services.core.lifecycle import StopSignal
from services.notifier.answers import retry_after
from services.notifier.channels import Channel
from services.notifier.deadlog import DEAD
from services.notifier.deliverylog import DELIVERED, FAILED, DeliveryLog, Uncertain
from services.notifier.transport import SLACK_EVENT_TYPE, SlackBot

log = structlog.get_logger(__name__)

DELIVERY_UNCERTAIN = "delivery_uncertain"
DELIVERY_CONFIRMED = "delivery_confirmed"
DELIVERY_NOT_FOUND = "delivery_not_found"
DELIVERY_LOOKUP_FAILED = "delivery_lookup_failed"

#: Read from this long before the claim: Slack's clock may differ from ours a little.
MARGIN = 120.0
#: Messages per page (Slack recommends at most 200) and pages read before giving up: a
#: channel that busy since the claim cannot be searched cheaply, so `on_uncertain` decides.
PAGE = 200
MAX_PAGES = 10
#: A lookup read waits at most this long (or the channel's `request_timeout`, if shorter), so
#: a SIGTERM during the start-up lookups is answered within seconds; a slower Slack counts as
#: a failed lookup and `on_uncertain` decides.
READ_TIMEOUT = 3.0
_CONVERSATION_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")  # Slack ids; channel names are lower case


class SlackLookupError(Exception):
    """Slack could not say; the message names the method and why, never the token."""


Halt = Callable[[], bool]


def _answer(bot: SlackBot, method: str, params: dict[str, str], halt: Halt) -> dict[str, Any]:
    """One Web API read that answered `ok`, or SlackLookupError (also when stopping)."""
    if halt():
        raise SlackLookupError(f"slack {method}: not read, the notifier is stopping")
    response = bot.get(method, params, timeout=READ_TIMEOUT)
    if isinstance(response, str):
        raise SlackLookupError(response)
    with response:
        try:
            body = response.json()
        except (ValueError, requests.RequestException):
            body = None
        if 200 <= response.status_code < 300 and isinstance(body, dict) and body.get("ok"):
            return body
        reason = f"slack {method}: HTTP {response.status_code}"
        if isinstance(body, dict):
            reason += f" {body.get('error', '')}".rstrip()
            if body.get("needed"):  # missing_scope names the scope the token lacks
                reason += f" (the token needs scope {body['needed']})"
        wait = retry_after(response.headers, body) if response.status_code == 429 else None
        raise SlackLookupError(reason + (f" (retry after {wait:g} s)" if wait is not None else ""))


def _pages(
    bot: SlackBot, method: str, params: dict[str, str], field: str, halt: Halt
) -> Iterator[list[dict[str, Any]]]:
    """Each page's `field` list, following `next_cursor`; SlackLookupError past MAX_PAGES."""
    cursor = ""
    for _ in range(MAX_PAGES):
        page = {**params, "limit": str(PAGE)} | ({"cursor": cursor} if cursor else {})
        body = _answer(bot, method, page, halt)
        items = body.get(field)
        yield [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        meta = body.get("response_metadata")
        cursor = str(meta.get("next_cursor") or "") if isinstance(meta, dict) else ""
        if not cursor:
            return
    raise SlackLookupError(f"slack {method}: more than {MAX_PAGES * PAGE} entries to read")


def tagged(messages: Sequence[dict[str, Any]], key: str) -> str | None:
    """The ts of the message whose redflag metadata names delivery key `key`, if any."""
    for message in messages:
        meta = message.get("metadata")
        if not isinstance(meta, dict) or meta.get("event_type") != SLACK_EVENT_TYPE:
            continue
        payload = meta.get("event_payload")
        if isinstance(payload, dict) and payload.get("key") == key and message.get("ts"):
            return str(message["ts"])
    return None


def conversation_id(bot: SlackBot, target: str, halt: Halt = lambda: False) -> str:
    """The id `conversations.history` needs for a target given as an id or a `#name`."""
    name = target.lstrip("#+")
    if _CONVERSATION_ID.match(name):
        return name
    params = {"types": "public_channel,private_channel", "exclude_archived": "true"}
    for page in _pages(bot, "conversations.list", params, "channels", halt):
        for channel in page:
            if channel.get("name") == name and channel.get("id"):
                return str(channel["id"])
    raise SlackLookupError(f"slack conversations.list: no channel {target!r} visible to the bot")


def find(
    bot: SlackBot,
    target: str,
    key: str,
    since: float,
    parent: str | None,
    *,
    halt: Halt = lambda: False,
) -> str | None:
    """`channel ts` of the message tagged `key` on `target` posted after `since` (epoch; in
    `parent`'s thread, or top-level), None when it is not there; SlackLookupError if unknown."""
    oldest = f"{since - MARGIN:.6f}"
    read = {"oldest": oldest, "include_all_metadata": "true"}
    if parent is not None:
        channel, _, thread_ts = parent.partition(" ")
        replies = {"channel": channel, "ts": thread_ts, **read}
        for page in _pages(bot, "conversations.replies", replies, "messages", halt):
            if (ts := tagged(page, key)) is not None:
                return f"{channel} {ts}"
    else:
        channel = conversation_id(bot, target, halt)
    history = {"channel": channel, **read}
    for page in _pages(bot, "conversations.history", history, "messages", halt):
        if (ts := tagged(page, key)) is not None:
            return f"{channel} {ts}"
    return None


async def confirm(
    deliveries: DeliveryLog,
    channels: Mapping[str, Channel],
    orphans: Sequence[Uncertain],
    executor: Executor | None = None,
    stop: StopSignal | None = None,
) -> None:
    """Settle each orphaned send of a bot-token Slack channel by asking Slack (blocking reads
    in `executor`); the rest, and any Slack could not answer for, stay `attempting`. Stops
    between sends once `stop` is set (the rest wait for the next start)."""
    for item in orphans:
        if stop is not None and stop.stopping:
            return
        channel = channels.get(item.channel)
        if item.alert_id.startswith("ops:"):  # a notice is not queued again: nothing to decide
            continue
        if channel is not None and isinstance(channel.transport, SlackBot):
            with structlog.contextvars.bound_contextvars(
                alert_id=item.alert_id, channel=item.channel
            ):
                await _confirm(deliveries, channel, channel.transport, item, executor, stop=stop)


async def _confirm(
    deliveries: DeliveryLog,
    channel: Channel,
    bot: SlackBot,
    item: Uncertain,
    executor: Executor | None,
    *,
    stop: StopSignal | None,
) -> None:
    key, name, targets = item.alert_id, channel.name, channel.targets
    alert = not key.startswith("digest:")  # a digest keeps no thread id
    done = deliveries.accepted(key, name) if len(targets) > 1 else set()
    opener = deliveries.opened_by(key, name) if alert else None
    loop = asyncio.get_running_loop()
    halt: Halt = (lambda: stop.stopping) if stop is not None else (lambda: False)
    missing: list[str] = []
    for target in targets:
        if target in done:
            continue
        parent = None if opener in (None, key) else deliveries.message_ref(opener, name, target)
        try:
            read = partial(find, bot, target, key, item.since, parent, halt=halt)
            ref = await loop.run_in_executor(executor, read)
        except SlackLookupError as exc:
            log.warning(DELIVERY_LOOKUP_FAILED, target=bot.label(target), reason=str(exc))
            return
        if ref is None:
            missing.append(target)
            continue
        if alert:
            deliveries.remember_message(key, name, target, ref)
        if len(targets) > 1:
            deliveries.accept(key, name, target)
    labels = [bot.label(t) for t in missing]
    if not missing:
        if deliveries.settle(key, name, DELIVERED):
            log.info(DELIVERY_CONFIRMED, found_in="slack")
    elif deliveries.was_dead(key, name):  # a replay cut short: its record is long committed
        reason = f"replay cut by a restart, not in Slack ({', '.join(labels)}): replay it again"
        if deliveries.settle(key, name, DEAD, reason):
            log.info(DELIVERY_NOT_FOUND, targets=labels, action="dead-lettered again")
    elif deliveries.settle(key, name, FAILED, "not in Slack after a restart: sent again"):
        log.info(DELIVERY_NOT_FOUND, targets=labels, action="send")


async def settle_leftovers(
    deliveries: DeliveryLog,
    channels: Mapping[str, Channel],
    *,
    resend: bool,
    lease: float,
    executor: Executor | None,
    stop: StopSignal,
    later: Container[tuple[str, str]] = (),
) -> None:
    """Sends this file began and never confirmed (a crash): Slack bot sends are asked about
    first, the rest settled by `on_uncertain` (`resend`) and each one logged. Pairs in
    `later` (their changelog partition is known: claims.py) are left for that partition's
    assignment, where the outcome is published to its changelog."""
    orphans = [u for u in deliveries.orphans(lease) if (u.alert_id, u.channel) not in later]
    await confirm(deliveries, channels, orphans, executor, stop)
    if stop.stopping:
        return  # not settled blind: the next start asks again
    for item in deliveries.take_uncertain(resend=resend, lease=lease, keep=later):
        log.warning(
            DELIVERY_UNCERTAIN,
            alert_id=item.alert_id,
            channel=item.channel,
            policy="resend" if resend else "skip",
        )
