"""`Article`: one feed entry, normalised by the poller, on topic `redflag.articles`."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from schemas._base import Message
from schemas.limits import (
    MAX_CONTENT,
    MAX_ID,
    MAX_LANG,
    MAX_LINK,
    MAX_NAME,
    MAX_SOURCE,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_URL,
)


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
