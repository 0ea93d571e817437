"""A local stand-in for Slack (incoming webhooks, Web API) and Telegram's Bot API, and Discord.

redflag's own Slack and Telegram transport is pointed here by its `notifier.endpoints`
setting (`server.endpoints`, or `server.env()` for a subprocess); apprise's real Discord
plugin by redirecting its endpoint class attribute (`redirect_apprise`); anything else that
posts JSON or a form (`json://`, `form://`) can use `server.url` directly. Every request is
recorded; responses can be scripted per path:

    with ChatServer() as chat:
        chat.script("/services/T1/B1/", Reply(429, headers={"Retry-After": "1"}), Reply(200))
        ... run the notifier with channel url "slack://T1/B1/XYZ", endpoints=chat.endpoints ...
        [msg] = chat.slack_messages("T1/B1/XYZ")

Replies are consumed in order; when a script runs out the default answer applies (Slack:
`ok`, Telegram: `{"ok": true, ...}`, else `{}`). A `Reply(delay=...)` sleeps before
answering, which is how a timeout is played. `hold_until(path, seconds)` answers 429 to every
request under `path` until the window has passed, like a real rate limiter; with `status=500`
(or any other) it plays an outage of that length instead.

Slack's Web API keeps what a bot token posts (`slackspace.SlackWorkspace`): `chat.postMessage`
stores the message the moment it arrives, before a scripted delay, as Slack does, and the
`conversations.*` reads answer from it. `Reply(default=True, delay=30)` is the usual success,
late: the message is kept, the sender waits (a crash mid-send).

Run standalone (benchmarks): `python -m tests.support.chatserver --port 8765`.
"""

import argparse
import contextlib
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.slackspace import SlackWorkspace


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes | str | dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    default: bool = False  # the service's usual success (numbered), e.g. late: `delay=30`


@dataclass(frozen=True)
class Request:
    """One request as received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived
    status: int  # what we answered

    @property
    def json(self) -> Any:
        """The body parsed as JSON (or a form, as a dict of first values)."""
        ctype = self.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in ctype:
            return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}
        return json.loads(self.body or b"null")

    @property
    def query(self) -> dict[str, str]:
        """The URL's query parameters (first values)."""
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    @property
    def accepted(self) -> bool:
        """True when we answered 2xx."""
        return 200 <= self.status < 300


def default_reply(path: str, n: int = 1) -> Reply:
    """The service's usual success; `n` numbers the new message (Telegram id, Slack ts)."""
    if path.startswith("/services/") or path.startswith("/workflows/"):
        return Reply(200, b"ok", {"Content-Type": "text/plain"})
    if path.startswith("/bot"):
        return Reply(200, {"ok": True, "result": {"message_id": n, "chat": {"id": 0}}})
    if path.startswith("/api/chat."):
        return Reply(200, {"ok": True, "channel": "C1", "ts": f"1.{n:06d}"})
    return Reply(200, {})


class ChatServer:
    """A threaded HTTP server on 127.0.0.1 recording requests and playing scripted replies."""

    def __init__(self, port: int = 0, *, record: bool = True) -> None:
        self._scripts: dict[str, deque[Reply]] = {}
        self._holds: dict[str, tuple[float, int]] = {}  # prefix -> (until, status)
        self._numbers: dict[str, int] = {}  # path -> messages answered by default
        self.slack = SlackWorkspace()  # what the Web API kept: channels and their messages
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self.record = record
        self.requests: list[Request] = []
        self.arrivals: list[str] = []  # paths as requests arrive, before any scripted delay
        self.count = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; with Nagle on, a kept-alive client waits
            # for its delayed ACK (~40 ms) before the body arrives. Real chat APIs do not.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                arrived = time.monotonic()
                server.note_arrival(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server.reply_for(self.path, body)
                self._answer(reply, body, arrived, "POST")

            def _answer(self, reply: Reply, body: bytes, arrived: float, method: str) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body
                if isinstance(payload, dict):
                    payload = json.dumps(payload).encode()
                elif isinstance(payload, str):
                    payload = payload.encode()
                payload = payload or b""
                # Recorded before answering: once a client has its reply, the test sees it.
                server.receive(
                    Request(
                        method,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        arrived,
                        reply.status,
                    )
                )
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "application/json", **reply.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout)
                    pass

            do_PUT = do_POST  # noqa: N815

            def do_GET(self) -> None:
                """`GET /_stats`: how many requests arrived (for a server in another process);
                Slack's `conversations.*` reads."""
                if self.path.startswith("/api/"):
                    arrived = time.monotonic()
                    server.note_arrival(self.path)
                    reply = server.reply_for(self.path, method="GET")
                    self._answer(reply, b"", arrived, "GET")
                    return
                payload = json.dumps({"count": server.count}).encode()
                self.send_response(200 if self.path == "/_stats" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `requests` instead."""

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # bursts of new connections from many channels at once

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client killed -9 mid-request resets its connection: that is the test's
                fault injection, not a server error worth a traceback."""
                if isinstance(sys.exc_info()[1], ConnectionError):
                    return
                super().handle_error(request, client_address)

        self._httpd = Server(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:40123 (no trailing slash)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def endpoints(self) -> dict[str, str]:
        """`notifier.endpoints` that send redflag's Slack and Telegram traffic here."""
        return self.endpoints_for(self.url)

    @staticmethod
    def endpoints_for(url: str) -> dict[str, str]:
        """The same for a server at `url` (e.g. one in another process)."""
        return {"slack_hooks": url, "slack_api": f"{url}/api", "telegram": url}

    def env(self) -> dict[str, str]:
        """The same as `REDFLAG_...` variables, for a stage run as a subprocess."""
        return {f"REDFLAG_NOTIFIER__ENDPOINTS__{k.upper()}": v for k, v in self.endpoints.items()}

    def start(self) -> "ChatServer":
        """Serve in a background thread."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> "ChatServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scripting ---------------------------------------------------------------------

    def script(self, prefix: str, *replies: Reply) -> None:
        """Answer the next requests whose path starts with `prefix` with `replies`, in order."""
        with self._lock:
            self._scripts.setdefault(prefix, deque()).extend(replies)

    def hold_until(self, prefix: str, seconds: float, status: int = 429) -> float:
        """Answer 429 + Retry-After (or `status`: an outage) to every request under `prefix`
        for `seconds` from now; returns when it ends (time.monotonic())."""
        until = time.monotonic() + seconds
        with self._lock:
            self._holds[prefix] = (until, status)
        return until

    def reply_for(self, path: str, body: bytes = b"", method: str = "POST") -> Reply:
        """The answer a request gets now: a hold, else the next scripted reply for `path`
        (consumed), else the service's usual one (a Slack post kept, a Slack read answered
        from what was kept). The handler asks this for every request."""
        if method == "GET":
            return self._scripted(path) or self._slack_read(path)
        return self._keep_slack(path, body, self._usual(path))

    def _usual(self, path: str) -> Reply:
        reply = self._scripted(path)
        if reply is not None and not reply.default:
            return reply
        with self._lock:
            # numbered per path, so each chat's ids are 1, 2, 3... whatever else runs alongside
            self._numbers[path] = self._numbers.get(path, 0) + 1
            usual = default_reply(path, self._numbers[path])
        return usual if reply is None else replace(usual, delay=reply.delay)

    def _scripted(self, path: str) -> Reply | None:
        """A hold's answer, else the next scripted reply for `path`, else None."""
        with self._lock:
            now = time.monotonic()
            for prefix, (until, status) in self._holds.items():
                if path.startswith(prefix) and now < until and status != 429:
                    return Reply(status, {"ok": False, "error": "internal_error"})
                if path.startswith(prefix) and now < until:
                    wait = max(1, round(until - now + 0.4))
                    return Reply(
                        429,
                        {"ok": False, "error": "rate_limited", "parameters": {"retry_after": wait}},
                        {"Retry-After": str(wait)},
                    )
            for prefix, queue in self._scripts.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
        return None

    # -- Slack's conversations ------------------------------------------------------------

    def add_slack_message(
        self, channel: str, *, metadata: Any = None, thread_ts: str | None = None
    ) -> str:
        """Keep a message in `channel` as if a bot had posted it just now; returns its ts."""
        path = "/api/chat.postMessage"
        with self._lock:
            self._numbers[path] = self._numbers.get(path, 0) + 1
            ts = f"1.{self._numbers[path]:06d}"
        self.slack.keep(channel, ts, {"metadata": metadata, "thread_ts": thread_ts})
        return ts

    def _keep_slack(self, path: str, body: bytes, reply: Reply) -> Reply:
        """A `chat.postMessage` Slack accepts is kept on arrival, its channel answered by id."""
        answer = reply.body
        if not (path.startswith("/api/chat.postMessage") and isinstance(answer, dict)):
            return reply
        if not (answer.get("ok") and answer.get("ts")):
            return reply
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return reply
        if not isinstance(payload, dict) or not payload.get("channel"):
            return reply
        ident = self.slack.keep(str(payload["channel"]), str(answer["ts"]), payload)
        return replace(reply, body={**answer, "channel": ident})

    def _slack_read(self, path: str) -> Reply:
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        status, body = self.slack.read(url.path.removeprefix("/api/"), query)
        return Reply(status, body)

    def note_arrival(self, path: str) -> None:
        """Note a request on arrival (`arrivals`), before any scripted delay."""
        if self.record:
            self.arrivals.append(path)

    def receive(self, request: Request) -> None:
        """Count `request` (and keep it, when recording) and wake `wait_for`. The handler
        calls this before answering, so once a client has its reply the test sees it."""
        with self._arrived:
            self.count += 1
            if self.record:
                self.requests.append(request)
            self._arrived.notify_all()

    # -- reading -------------------------------------------------------------------------

    def wait_for(
        self, count: int, timeout: float = 10.0, *, accepted: bool = True
    ) -> list[Request]:
        """Block until `count` (accepted) requests arrived; returns them or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                got = [r for r in self.requests if r.accepted or not accepted]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(got)} of {count} requests after {timeout}s")
                self._arrived.wait(left)

    def slack_api_messages(self) -> list[dict[str, Any]]:
        """Accepted Slack Web API `chat.postMessage` payloads, in order."""
        return [r.json for r in self.requests if r.accepted and r.path.startswith("/api/chat.")]

    def slack_messages(self, hook: str | None = None) -> list[dict[str, Any]]:
        """Accepted Slack webhook payloads, optionally for one hook path 'T/B/X'."""
        prefix = "/services/" + (hook or "")
        return [r.json for r in self.requests if r.accepted and r.path.startswith(prefix)]

    def telegram_messages(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Accepted Telegram `sendMessage` payloads, optionally for one chat id."""
        out = []
        for r in self.requests:
            if r.accepted and r.path.startswith("/bot") and r.path.endswith("/sendMessage"):
                payload = r.json
                if chat_id is None or str(payload.get("chat_id")) == str(chat_id):
                    out.append(payload)
        return out

    def to(self, prefix: str) -> list[Request]:
        """Every request (any answer) whose path starts with `prefix`."""
        return [r for r in self.requests if r.path.startswith(prefix)]


def slack_text(payload: dict[str, Any]) -> str:
    """All human-visible text of a Slack payload (legacy attachments or blocks), joined."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"text", "title", "pretext", "fallback"} and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return "\n".join(parts)


@contextlib.contextmanager
def redirect_apprise(server: ChatServer) -> Iterator[None]:
    """Point apprise's real Discord plugin at `server` for the block's duration."""
    from apprise.plugins.discord import NotifyDiscord  # noqa: PLC0415

    saved = NotifyDiscord.notify_url
    NotifyDiscord.notify_url = f"{server.url}/api/webhooks"
    try:
        yield
    finally:
        NotifyDiscord.notify_url = saved


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A running ChatServer with apprise's Discord plugin pointed at it.

    Use it from a test module with `from tests.support.chatserver import chat_server`.
    """
    with ChatServer() as server, redirect_apprise(server):
        yield server


def main() -> None:
    """Serve until interrupted; prints the base URL on the first line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ChatServer(args.port, record=False).start()
    print(server.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
