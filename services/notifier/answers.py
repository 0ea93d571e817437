"""What a chat API's answer to one POST means (Slack webhook and Web API, Telegram Bot API):
delivered (and the new message's id, a thread parent), throttled for how long, worth a retry,
or refused for good. Pure functions of the HTTP answer, so the rules are tested without a
network.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from services.core.httpdates import now_seconds, retry_after_seconds

_TRANSIENT_SLACK = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One send: `ok`, and when not, why (redacted) and what to do about it."""

    ok: bool
    reason: str = ""
    retry_after: float | None = None  # the service asked for this pause (429)
    permanent: bool = False  # refused as such: retrying cannot succeed
    message_id: str | None = None  # the chat's id of the new message, where the API gives one


def retry_after(headers: Any, body: Any = None, now: datetime | None = None) -> float | None:
    """Seconds a 429 asks to wait: `Retry-After` (seconds or HTTP date), else Telegram's JSON."""
    wait = retry_after_seconds((headers or {}).get("Retry-After"), now_seconds(now))
    if wait is not None:
        return wait
    if isinstance(body, dict):
        params = body.get("parameters")
        if isinstance(params, dict) and isinstance(params.get("retry_after"), int | float):
            return max(0.0, float(params["retry_after"]))
    return None


def _json(response: requests.Response) -> Any:
    """The body as JSON when it says it is (Slack's webhook answers `ok` as plain text)."""
    if "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def message_ref(body: Any) -> str | None:
    """The new message's id as a thread parent: Slack `channel ts`, Telegram `message_id`."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("ts"), str) and isinstance(body.get("channel"), str):
        return f"{body['channel']} {body['ts']}"
    result = body.get("result")
    if isinstance(result, dict) and isinstance(result.get("message_id"), int):
        return str(result["message_id"])
    return None


def read_answer(response: requests.Response, what: str) -> Outcome:
    """The answer to one POST as an Outcome; `what` names the destination (no secrets)."""
    body = _json(response)
    status = response.status_code
    refused = isinstance(body, dict) and body.get("ok") is False  # Web API: 200 + ok:false
    if 200 <= status < 300 and not refused:
        return Outcome(True, message_id=message_ref(body))
    detail = ""
    if isinstance(body, dict):
        detail = str(body.get("description") or body.get("error") or "")
    elif response.text:
        detail = response.text.strip()[:200]
    reason = f"{what}: HTTP {status}" + (f" {detail}" if detail else "")
    params = body.get("parameters") if isinstance(body, dict) else None
    if isinstance(params, dict) and params.get("migrate_to_chat_id"):  # group -> supergroup
        reason += f" (the chat is now {params['migrate_to_chat_id']}: update the channel URL)"
    error = str(body.get("error", "")) if isinstance(body, dict) else ""
    if status == 429 or error == "ratelimited":
        wait = retry_after(response.headers, body)
        return Outcome(False, reason, retry_after=1.0 if wait is None else wait)
    if status >= 500 or status == 408:
        return Outcome(False, reason)
    if status >= 300:  # a redirect is not followed: a POST would turn into a GET
        return Outcome(False, reason, permanent=True)
    return Outcome(False, reason, permanent=error not in _TRANSIENT_SLACK)
