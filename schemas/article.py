"""`Article`: one feed entry, normalised by the poller, on topic `redflag.articles`."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from schemas._base import Message

# Maximum lengths in characters (issue 11): the poller truncates to these, and a message
# produced straight to the bus past them is dead-lettered by the stage that reads it, so no
# message can stall a stage. Shared by `Alert`.
MAX_ID = 128
MAX_NAME = 200  # a feed's configured name
MAX_URL = 4096  # a configured feed URL
MAX_LINK = 2048  # an article's canonical link (services.poller.links)
MAX_TITLE = 1_000
MAX_SUMMARY = 10_000
MAX_CONTENT = 200_000
MAX_SOURCE = 500
MAX_LANG = 35  # the longest BCP 47 tag in practice


class Article(Message):
    """A news item as the classifier sees it; `id` is stable across polls and restarts."""

    schema_version: Literal[1] = 1
    id: str = Field(
        min_length=1,
        max_length=MAX_ID,
        description="Stable id: guid, else canonical link, else hash.",
    )
    feed: str = Field(max_length=MAX_NAME, description="Name of the feed it came from.")
    feed_url: str = Field(default="", max_length=MAX_URL)
    title: str = Field(default="", max_length=MAX_TITLE)
    summary: str = Field(default="", max_length=MAX_SUMMARY)
    content: str = Field(default="", max_length=MAX_CONTENT)
    link: str | None = Field(default=None, max_length=MAX_LINK)
    published: AwareDatetime | None = Field(
        default=None, description="Publication time in UTC; the first-seen time when unknown."
    )
    first_seen: AwareDatetime | None = None
    lang: str | None = Field(
        default=None, max_length=MAX_LANG, description="BCP 47 language, e.g. 'en', 'zh'."
    )
    source: str = Field(
        default="", max_length=MAX_SOURCE, description="Publisher or feed title, for display."
    )


def utc_iso(value: datetime | None) -> str | None:
    """Render a timestamp as ISO 8601 in UTC, for display and JSON lines."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")
