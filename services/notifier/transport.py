"""Slack and Telegram spoken directly, so a throttled send learns how long to wait.

apprise 2.2's Slack and Telegram plugins answer only True/False: not the HTTP status, not
`Retry-After` (STYLE.md habit 5 rules out reading its log lines for them). These two services
are the ones whose rate limits the notifier must honour, so for them it makes the one POST
itself and classifies the answer as a typed `Outcome`:

* accepted;
* `retry_after` seconds asked by a 429: `Retry-After` (RFC 9110 section 10.2.3, seconds or an
  HTTP date) or Telegram's `parameters.retry_after`;
* transient (5xx, 408, timeouts, connection errors): retry with back-off;
* `permanent` (any other 4xx or a 3xx, Slack's `ok: false`): the request itself is refused
  (revoked webhook, unknown chat, bot kicked, wrong endpoint), so retrying cannot help:
  dead-letter at once.

apprise still parses and validates the URLs (the same `slack://` and `tgram://` grammar) and
prints them with `privacy=True`; every other service is sent through apprise. Endpoints are
settings (GovSlack, Telegram's local Bot API server, an egress proxy).
"""

import html
import re
from dataclasses import dataclass
from typing import Any

import requests

from services.core.redact import register_secret
from services.notifier.answers import Outcome, read_answer
from services.notifier.render import Rendered

#: Slack attachment colour bar by level, as a person scanning a channel expects.
COLORS = {"failure": "#A32037", "warning": "#CACF29", "info": "#3AA3E3"}
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")  # "[Errno 111] Connection refused"


@dataclass(frozen=True, slots=True)
class Tag:
    """What a message is in the delivery log, carried with it where the API keeps such data
    (Slack message metadata), so a crash mid-send can be settled by asking the service."""

    key: str  # the delivery-log key: an alert id, 'digest:<batch>', 'ops:...'
    alert_id: str | None = None


#: Slack message metadata `event_type` of every message redflag posts with a bot token.
SLACK_EVENT_TYPE = "redflag_alert"


def slack_metadata(tag: Tag) -> dict[str, Any]:
    """Slack's message metadata shape: `event_type` plus a flat `event_payload`."""
    payload = {"key": tag.key}
    if tag.alert_id is not None:
        payload["alert_id"] = tag.alert_id
    return {"event_type": SLACK_EVENT_TYPE, "event_payload": payload}


class Transport:
    """Posts one message to one target; one instance per channel, used by one thread."""

    service = ""

    def __init__(self, targets: list[str], timeout: float) -> None:
        self.targets = targets
        self._timeout = timeout
        self._http: requests.Session | None = None  # opened on first send

    def close(self) -> None:
        """Drop pooled connections."""
        if self._http is not None:
            self._http.close()
            self._http = None

    #: True when a message can be posted as a reply to an earlier one (`reply_to`).
    threads = False

    def send(
        self, target: str, message: Rendered, reply_to: str | None = None, tag: Tag | None = None
    ) -> Outcome:
        """POST `message` to `target` (in `reply_to`'s thread, carrying `tag` where the API
        can); never raises for a failed send."""
        url, payload, headers = self.request(target, message)
        if reply_to is not None and self.threads:
            self.thread(payload, reply_to)
        if tag is not None:
            self.tag(payload, tag)
        what = f"{self.service} {self.label(target)}"
        response = self.exchange(what, "POST", url, json=payload, headers=headers)
        if isinstance(response, str):
            return Outcome(False, response)
        with response:
            return read_answer(response, what)

    def exchange(
        self, what: str, verb: str, url: str, *, timeout: float | None = None, **kwargs: Any
    ) -> requests.Response | str:
        """One request on the kept-alive session: its response, or why there was none (the
        exception's class and errno only: its text carries the URL, so the token).
        `timeout` may only shorten the channel's own."""
        if self._http is None:
            self._http = requests.Session()  # keep-alive: one TLS handshake per destination
        limit = self._timeout if timeout is None else min(timeout, self._timeout)
        try:
            return self._http.request(verb, url, timeout=limit, allow_redirects=False, **kwargs)
        except requests.Timeout:
            return f"{what}: no answer within {limit:g} s"
        except requests.RequestException as exc:
            errno = _ERRNO.search(str(exc))
            cause = f" ({errno.group(0).strip()})" if errno else ""
            return f"{what}: {type(exc).__name__}{cause}"

    def label(self, target: str) -> str:
        """The target as it may appear in logs."""
        return target or "webhook"

    def request(self, target: str, message: Rendered) -> tuple[str, Any, dict[str, str]]:
        """URL, JSON payload and headers for one target."""
        raise NotImplementedError

    def thread(self, payload: dict[str, Any], reply_to: str) -> None:
        """Make `payload` a reply to the message `reply_to` (a `message_ref`)."""

    def tag(self, payload: dict[str, Any], tag: Tag) -> None:
        """Attach `tag` to `payload` where the service keeps it with the message."""


def slack_payload(message: Rendered, channel: str | None = None) -> dict[str, Any]:
    """Block Kit in a coloured attachment: header = subject, section = mrkdwn body."""
    blocks: list[dict[str, Any]] = []
    if message.title:
        blocks.append(
            {"type": "header", "text": {"type": "plain_text", "text": message.title, "emoji": True}}
        )
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": message.body}})
    attachment = {
        "color": COLORS.get(message.level, COLORS["info"]),
        "fallback": message.title or message.body,  # the notification's preview line
        "blocks": blocks,
    }
    payload: dict[str, Any] = {"attachments": [attachment]}
    if channel:
        payload["channel"] = channel
    return payload


class SlackWebhook(Transport):
    """An incoming webhook (`slack://T/B/C[/#channel...]`); a target is a channel override."""

    service = "slack"

    def __init__(
        self,
        base: str,
        tokens: tuple[str, str, str],
        targets: list[str],
        timeout: float,
        username: str | None = None,
    ) -> None:
        super().__init__(targets, timeout)
        self._url = f"{base.rstrip('/')}/services/{'/'.join(tokens)}"
        register_secret("/".join(tokens))
        self._username = username

    def request(self, target: str, message: Rendered) -> tuple[str, Any, dict[str, str]]:
        """POST the payload to the hook."""
        payload = slack_payload(message, target or None)
        if self._username:
            payload["username"] = self._username
        return self._url, payload, {}


class SlackBot(Transport):
    """A bot token (`slack://xoxb-.../#channel`): Web API `chat.postMessage` per channel."""

    service = "slack"

    def __init__(self, base: str, token: str, targets: list[str], timeout: float) -> None:
        super().__init__(targets, timeout)
        self._base = base.rstrip("/")
        self._url = f"{self._base}/chat.postMessage"
        self._auth = {"Authorization": f"Bearer {token}"}
        register_secret(token)

    threads = True

    def request(self, target: str, message: Rendered) -> tuple[str, Any, dict[str, str]]:
        """POST chat.postMessage with the bearer token."""
        return self._url, slack_payload(message, target), self._auth

    def tag(self, payload: dict[str, Any], tag: Tag) -> None:
        """Slack message metadata, read back by `conversations.history` (slacklookup.py)."""
        payload["metadata"] = slack_metadata(tag)

    def get(
        self, method: str, params: dict[str, str], timeout: float | None = None
    ) -> requests.Response | str:
        """GET a read-only Web API method with the bearer token (see `exchange`)."""
        url = f"{self._base}/{method}"
        return self.exchange(
            f"slack {method}", "GET", url, timeout=timeout, params=params, headers=self._auth
        )

    def thread(self, payload: dict[str, Any], reply_to: str) -> None:
        """Web API `thread_ts`, in the channel (by id) the parent was posted to."""
        channel, _, ts = reply_to.partition(" ")
        if ts:
            payload["channel"], payload["thread_ts"] = channel, ts


class TelegramBot(Transport):
    """Bot API `sendMessage` (HTML parse mode) per chat; a target is `chat` or `chat:topic`."""

    service = "telegram"

    def __init__(
        self,
        base: str,
        token: str,
        targets: list[str],
        timeout: float,
        *,
        silent: bool = False,
        preview: bool = False,
    ) -> None:
        super().__init__(targets, timeout)
        self._url = f"{base.rstrip('/')}/bot{token}/sendMessage"
        register_secret(token)
        self._silent = silent
        self._preview = preview

    threads = True

    def thread(self, payload: dict[str, Any], reply_to: str) -> None:
        """Bot API `reply_to_message_id` (the parent's chat is this target's chat)."""
        if reply_to.isdigit():
            payload["reply_to_message_id"] = int(reply_to)
            payload["allow_sending_without_reply"] = True  # parent deleted: still post

    def label(self, target: str) -> str:
        """'chat -100123' (or with its topic)."""
        return f"chat {target}"

    def request(self, target: str, message: Rendered) -> tuple[str, Any, dict[str, str]]:
        """sendMessage with the rendered HTML; a title, if any, leads in bold."""
        chat, _, topic = target.partition(":")
        title = html.escape(message.title, quote=False)
        text = f"<b>{title}</b>\n{message.body}" if title else message.body
        payload: dict[str, Any] = {
            "chat_id": int(chat) if chat.lstrip("-").isdigit() else chat,
            "text": text,
            "parse_mode": "HTML",
            "disable_web_page_preview": not self._preview,
            "disable_notification": self._silent,
        }
        if topic:
            payload["message_thread_id"] = int(topic)
        return self._url, payload, {}
