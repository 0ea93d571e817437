"""`Delivery`: one alert rendered for one channel, on `redflag.deliveries` keyed by channel.

The notifier's second hop (docs/notifier.md, "Pacing"): the owner of an alerts partition
routes and renders; the owner of the channel's deliveries partition sends, paced, in order.
"""

from typing import Literal

from pydantic import Field

from schemas._base import Message
from schemas.alert import Alert
from schemas.limits import MAX_ID, MAX_NAME

#: A rendered message: a chat's own limits are far below this (Telegram 4096, Slack 40k).
MAX_BODY = 100_000
MAX_HEADING = 1_000


class Delivery(Message):
    """What the sender of `channel` posts for `alert`, threaded under `reply_to` if set."""

    schema_version: Literal[1] = 1
    channel: str = Field(max_length=MAX_NAME)
    alert: Alert
    title: str = Field(default="", max_length=MAX_HEADING)
    body: str = Field(max_length=MAX_BODY)
    body_format: Literal["markdown", "html", "text"]
    level: Literal["info", "warning", "failure"]
    reply_to: str | None = Field(default=None, max_length=MAX_ID)
    #: The alert's own message (not a thread reply or an UPDATE): the sender can render it
    #: again from `alert` alone, to say how late it is when a channel outage delayed it.
    plain: bool = False
    #: `redflag deadletter replay`: send the dead-lettered pair (alert, channel) once more.
    #: The sender sends it only while its log has the pair `dead` (or a replay of it under
    #: way), so a pair delivered since, or a request read twice, is not sent again.
    replay: bool = False
