"""Mask tokens in chat URLs wherever they appear: log lines, errors, CLI output.

`redact_urls(text)` is safe to call on any string (services/core/logging.py runs every
log value through it). It masks the token-bearing parts of apprise URLs (`slack://`,
`tgram://`, `discord://`, ...), of the HTTPS endpoints those services post to
(`https://hooks.slack.com/services/...`, `https://api.telegram.org/bot<token>/...`,
`https://discord.com/api/webhooks/...`), user:password in any URL, and every string
handed to `register_secret` (the exact configured channel URLs).

`mask_url(url)` is the one form a channel URL is shown in (`redflag channels`, `test-channel`,
logs, where a registered URL becomes its masked form): the service and no token character,
`slack://****`, `tgram://****`, `https://hooks.example.com/****`.
"""

import re
import threading
from urllib.parse import urlsplit

MASK = "****"
_MIN_SECRET = 6  # shorter strings would mask ordinary words

_secrets: dict[str, str] = {}  # secret -> what replaces it
_secrets_re: re.Pattern[str] | None = None
_lock = threading.Lock()

# https://api.telegram.org/bot123456:AAH.../sendMessage -> bot****/sendMessage
_TELEGRAM_BOT = re.compile(r"(?i)(/bot)\d+:[A-Za-z0-9_-]+")
# https://hooks.slack.com/services/T.../B.../XXX (also workflows, triggers, gov)
_SLACK_HOOK = re.compile(
    r"(?i)(hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/)[^\s\"'<>)]+"
)
# a Slack webhook's token triple on its own, as urllib3 logs it: "POST /services/T../B../X.."
_SLACK_PATH = re.compile(r"(?i)(/services/)[A-Z0-9]+/[A-Z0-9]+/[A-Z0-9]+")
# https://discord.com/api/webhooks/<id>/<token>, and Teams/Office webhook paths
_WEBHOOK_PATH = re.compile(
    r"(?i)((?:discord(?:app)?\.com/api/webhooks|webhook\.office\.com/webhookb2"
    r"|\.logic\.azure\.com[^\s\"'<>]*?/workflows)/)[^\s\"'<>)]+"
)
# token-like query values: ?token=..., &apikey=..., &sig=...
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:token|apikey|api_key|key|secret|password|pass|sig|access_token|auth)=)[^&\s\"'<>]+"
)
# user:password@ in any URL
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s@:\"'<>]+:[^/\s@\"'<>]+@")
# every other scheme://... apprise URL: keep scheme and host-ish first part only when it is
# not a token; apprise puts tokens in the host and path, so mask everything after the scheme.
# (a closing bracket ends the URL: "(slack://...)" keeps its parenthesis)
_APPRISE_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,24}s?://)([^\s\"'<>()\[\]]+)")
_PLAIN_SCHEMES = frozenset({"http://", "https://", "file://", "console://"})


def mask_url(url: str) -> str:
    """A channel URL as shown anywhere: its service (scheme; host for http(s)), no token."""
    scheme, sep, _ = url.strip().partition("://")
    if not sep or not scheme.replace("+", "").isalnum():
        return MASK
    scheme = scheme.lower()
    if scheme in ("http", "https"):
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError:
            host = ""
        return f"{scheme}://{host}/{MASK}" if host else f"{scheme}://{MASK}"
    return f"{scheme}://{MASK}"


def register_secret(value: str) -> None:
    """Mask every later occurrence of `value` (e.g. a configured channel URL) exactly; a URL
    becomes its `mask_url` form."""
    global _secrets_re  # noqa: PLW0603 - a process-wide registry is the point
    value = value.strip()
    if len(value) < _MIN_SECRET:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets[value] = mask_url(value) if "://" in value else MASK
        ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no partial masks
        _secrets_re = re.compile("|".join(re.escape(s) for s in ordered))


def _mask_apprise(match: re.Match[str]) -> str:
    scheme = match.group(1)
    if scheme.lower() in _PLAIN_SCHEMES:
        return match.group(0)
    # Keep what a person needs to tell channels apart but that carries no token: the
    # query string's harmless keys are dropped too, since some services put keys there.
    return f"{scheme}{MASK}"


def redact_urls(text: str) -> str:
    """`text` with tokens in any apprise/webhook URL-looking substring masked."""
    if not text:
        return text
    pattern = _secrets_re
    if pattern is not None:
        text = pattern.sub(lambda m: _secrets.get(m.group(0), MASK), text)
    if "://" not in text and "/bot" not in text:
        return text
    text = _TELEGRAM_BOT.sub(rf"\g<1>{MASK}", text)
    text = _SLACK_HOOK.sub(rf"\g<1>{MASK}", text)
    text = _SLACK_PATH.sub(rf"\g<1>{MASK}", text)
    text = _WEBHOOK_PATH.sub(rf"\g<1>{MASK}", text)
    text = _QUERY_SECRET.sub(rf"\g<1>{MASK}", text)
    text = _USERINFO.sub(rf"\g<1>{MASK}@", text)
    return _APPRISE_URL.sub(_mask_apprise, text)
