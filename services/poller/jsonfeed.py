"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1); feedparser 6.0.14 cannot read it."""

import json
from typing import Any

from services.poller.errors import NotAFeed
from services.poller.normalise import RawEntry

_VERSION_PREFIX = "https://jsonfeed.org/version/"


def _str(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def parse_json_feed(text: str) -> tuple[dict[str, Any], list[RawEntry]]:
    """(feed-level fields, entries) of a JSON Feed; NotAFeed for any other JSON."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotAFeed(f"not a feed: invalid JSON ({exc})") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(_VERSION_PREFIX):
        raise NotAFeed("not a feed: a JSON document that is not a JSON Feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotAFeed("not a feed: JSON Feed without an items list")
    feed_lang = _str(data.get("language"))
    hubs = data.get("hubs") if isinstance(data.get("hubs"), list) else []
    hub = next(
        (_str(h.get("url")) for h in hubs if isinstance(h, dict) and h.get("type") == "WebSub"),
        None,
    )
    feed = {
        "title": _str(data.get("title")) or "",
        "link": _str(data.get("home_page_url")),
        "lang": feed_lang,
        "version": "json" + version.removeprefix(_VERSION_PREFIX).replace(".", ""),
        "hub": hub,
        "self": _str(data.get("feed_url")),
    }
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        links = [link for link in (_str(item.get("url")), _str(item.get("external_url"))) if link]
        content_html = _str(item.get("content_html"))
        entries.append(
            RawEntry(
                guid=_str(item.get("id")),
                links=links,
                title=_str(item.get("title")) or "",
                summary=_str(item.get("summary")) or "",
                summary_html=False,
                content=content_html or _str(item.get("content_text")) or "",
                content_html=content_html is not None,
                published=_str(item.get("date_published")),
                updated=_str(item.get("date_modified")),
                lang=_str(item.get("language")) or feed_lang,
            )
        )
    return feed, entries
