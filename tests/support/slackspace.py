"""Slack's side of a bot token, for the local chat server: channels and the messages kept.

`chat.postMessage` keeps a message (its `metadata` and `thread_ts` too) in its channel;
`conversations.history` (top level, newest first), `conversations.replies` (a thread, oldest
first) and `conversations.list` read them back in pages (`limit`, `cursor`), with Slack's
`oldest`/`latest` and `include_all_metadata` (metadata is shown only when asked for). A name
gets an id (`C1`, `C2`... in order of first use); a read of an unknown id answers
`channel_not_found`, as Slack does for a channel given by name. A message's `ts` is the
server's sequence number (`1.000001`), so samples do not change with the clock; `oldest` and
`latest` compare with the time it arrived instead.
"""

import re
import threading
import time
from typing import Any

_ID = re.compile(r"^[CGD][A-Z0-9]+$")


class SlackWorkspace:
    """Thread-safe: the server's handler threads post and read concurrently."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, str] = {}  # name (or id) -> id
        self._kept: dict[str, list[dict[str, Any]]] = {}  # id -> messages, oldest first
        self._made = 0

    def channel(self, name: str) -> str:
        """The id of channel `name` ('#markets', 'markets' or an id), made if new."""
        with self._lock:
            return self._id(name)

    def _id(self, name: str) -> str:
        name = name.lstrip("#")
        if name not in self._ids:
            ident = name
            while not _ID.match(ident) or (ident != name and ident in self._kept):
                self._made += 1
                ident = f"C{self._made}"
            self._ids[name] = self._ids.setdefault(ident, ident)
            self._kept.setdefault(ident, [])
        return self._ids[name]

    def keep(self, channel: str, ts: str, payload: dict[str, Any]) -> str:
        """Keep a posted message in `channel`; returns the channel's id."""
        message: dict[str, Any] = {"type": "message", "ts": ts, "text": payload.get("text") or ""}
        for key in ("metadata", "thread_ts"):
            if payload.get(key) is not None:
                message[key] = payload[key]
        with self._lock:
            ident = self._id(str(channel))
            self._kept[ident].append({**message, "arrived": time.time()})
        return ident

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every message kept in a channel (name or id), oldest first."""
        with self._lock:
            return list(self._kept.get(self._id(channel), []))

    def read(self, method: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Answer one `conversations.*` read: (HTTP status, JSON body)."""
        if method == "conversations.list":
            with self._lock:
                names = {i: n for n, i in self._ids.items() if n != i}
                items = [{"id": i, "name": names.get(i, i), "is_channel": True} for i in self._kept]
            return 200, page(items, query, "channels")
        if method not in {"conversations.history", "conversations.replies"}:
            return 404, {"ok": False, "error": "unknown_method"}
        with self._lock:
            kept = self._kept.get(query.get("channel", ""))
            if kept is None:
                return 200, {"ok": False, "error": "channel_not_found"}
            oldest, latest = float(query.get("oldest") or 0), float(query.get("latest") or "inf")
            seen = [m for m in kept if oldest < m["arrived"] <= latest]
        if method == "conversations.history":
            seen = [m for m in reversed(seen) if m.get("thread_ts", m["ts"]) == m["ts"]]
        else:
            thread = query.get("ts", "")
            seen = [m for m in seen if thread in (m["ts"], m.get("thread_ts"))]
        everything = query.get("include_all_metadata") in {"true", "1"}
        shown = [
            {k: v for k, v in m.items() if k != "arrived" and (everything or k != "metadata")}
            for m in seen
        ]
        return 200, page(shown, query, "messages")


def page(items: list[dict[str, Any]], query: dict[str, str], field: str) -> dict[str, Any]:
    """One page of a Slack list answer: `limit` (default 100, at most 999) from `cursor` on."""
    start = int(query.get("cursor") or 0)
    limit = min(999, int(query.get("limit") or 100))
    rest = items[start + limit :]
    return {
        "ok": True,
        field: items[start : start + limit],
        "has_more": bool(rest),
        "response_metadata": {"next_cursor": str(start + limit) if rest else ""},
    }
