"""`Delivery`: one message rendered for one channel, on `redflag.deliveries` keyed by channel.

The notifier's second hop (docs/notifier.md, "Pacing"): the owner of an alerts partition
routes and renders; the owner of the channel's deliveries partition sends, paced, in order.
A message is one alert (`alert`), or a digest of held alerts (`key` 'digest:<batch>' and
`alerts`). Fields added since the first release are optional, so records written before
them still parse.
"""

from typing import Literal

from pydantic import Field, model_validator

from schemas._base import Message
from schemas.alert import Alert
from schemas.limits import MAX_ID, MAX_NAME

#: A rendered message: a chat's own limits are far below this (Telegram 4096, Slack 40k).
MAX_BODY = 100_000
MAX_HEADING = 1_000
MAX_FACTS = 50
MAX_DIGEST = 10_000


class ShownFact(Message):
    """One key figure as the message shows it, e.g. ('Units', '12,000 → 142,000')."""

    label: str = Field(max_length=MAX_HEADING)
    value: str = Field(max_length=MAX_HEADING)
    strong: bool = False


class Shown(Message):
    """How a thread reply or an UPDATE differs from the alert's own view (its badge, figures
    and emphasis, drawn from event state the sender does not have): with `alert`, enough to
    render it again to say "delayed N min"."""

    badge: str = Field(max_length=MAX_HEADING)
    emoji: str = Field(max_length=MAX_NAME)
    facts: tuple[ShownFact, ...] = Field(default=(), max_length=MAX_FACTS)
    severe: bool = False


class Delivery(Message):
    """What the sender of `channel` posts, threaded under `reply_to` if set."""

    schema_version: Literal[1] = 1
    channel: str = Field(max_length=MAX_NAME)
    alert: Alert | None = None
    title: str = Field(default="", max_length=MAX_HEADING)
    body: str = Field(max_length=MAX_BODY)
    body_format: Literal["markdown", "html", "text"]
    level: Literal["info", "warning", "failure"]
    reply_to: str | None = Field(default=None, max_length=MAX_ID)
    #: The alert's own message (not a thread reply or an UPDATE): the sender can render it
    #: again from `alert` alone, to say how late it is when a channel outage delayed it.
    plain: bool = False
    #: A thread reply or an UPDATE: what to render it again from, with `alert`.
    shown: Shown | None = None
    #: The delivery-log key when it is not `alert`'s id: 'digest:<batch>'.
    key: str | None = Field(default=None, max_length=MAX_ID)
    #: A digest's alerts (dead-lettered with it if it cannot be sent).
    alerts: tuple[Alert, ...] = Field(default=(), max_length=MAX_DIGEST)

    #: `redflag deadletter replay`: send the dead-lettered pair (alert, channel) once more.
    #: The sender sends it only while its log has the pair `dead` (or a replay of it under
    #: way), so a pair delivered since, or a request read twice, is not sent again.
    replay: bool = False

    @model_validator(mode="after")
    def _names_what_it_sends(self) -> "Delivery":
        if self.alert is None and not (self.key and self.alerts):
            raise ValueError("a delivery needs its alert, or a digest's key and alerts")
        return self

    @property
    def log_key(self) -> str:
        """The delivery-log key: the alert's id, or the digest's."""
        if self.key is not None:
            return self.key
        assert self.alert is not None
        return self.alert.id
