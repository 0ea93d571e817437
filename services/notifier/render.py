"""Alert -> message text per channel kind: Slack, Telegram, Markdown, HTML, plain text.

Pure functions. Each kind escapes article text for the markup it is sent in:

* `slack`: mrkdwn, posted by `transport` as a Block Kit section. `& < >` become entities (so
  `<!channel>` and `<@U123>` stay text) and mrkdwn's own markers `* _ ~` and the backtick
  become look-alikes, because mrkdwn has no escape for them.
* `telegram`: Telegram's HTML subset (`parse_mode=HTML`), everything else entity-escaped.
* `markdown` (Discord, ntfy, Matrix...): CommonMark with every punctuation mark backslashed.
* `html` (email...): HTML, escaped.  * `text`: plain lines, nothing to escape.

Lengths: each kind fits its service's limit (`limit`, e.g. Telegram 4,096 UTF-16 units) by
shortening the headline first, so one alert is always exactly one message.
"""

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from services.notifier.view import AlertView, Level, shorten

Kind = Literal["slack", "telegram", "markdown", "html", "text"]
BodyFormat = Literal["markdown", "html", "text"]
NotifyLevel = Level

#: Slack's own caps (api.slack.com/reference/block-kit/blocks): header 150, section 3,000.
SLACK_TITLE_MAX = 150
SLACK_BODY_MAX = 3000
TELEGRAM_MAX = 4096
HEADLINE_MAX = 300

# asterisk operator, modifier letter low macron, tilde operator, modifier grave accent
_SLACK_LOOKALIKE = str.maketrans(
    {
        "*": "\u2217",
        "_": "\u02cd",
        "~": "\u223c",
        "`": "\u02cb",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)
_MD_PUNCT = re.compile(r"([\\`*_\[\]<>~&])")


@dataclass(frozen=True, slots=True)
class Rendered:
    """What to hand apprise: `notify(body=..., title=..., body_format=..., notify_type=...)`."""

    title: str
    body: str
    body_format: BodyFormat
    level: NotifyLevel


# -- escaping ------------------------------------------------------------------------------


def esc_slack(text: str) -> str:
    """Article text for Slack mrkdwn (see module docstring)."""
    return text.translate(_SLACK_LOOKALIKE)


def slack_link(url: str, text: str) -> str:
    """`<url|text>`: `url` comes from `safe_link` (no `<>|`), `text` already escaped."""
    return f"<{url.replace('&', '&amp;')}|{text}>"


def esc_md(text: str) -> str:
    """Article text for CommonMark: every markup character backslashed."""
    return _MD_PUNCT.sub(r"\\\1", text)


def esc_html(text: str) -> str:
    """Article text for HTML and Telegram: `& < >` (and quotes) as entities."""
    return html.escape(text, quote=False)


def _href(url: str) -> str:
    return html.escape(url, quote=True)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


# -- one alert ---------------------------------------------------------------------------


def _facts_line(v: AlertView, strong: Callable[[str], str], esc: Callable[[str], str]) -> str:
    return " · ".join(
        f"{esc(f.label)}: {strong(esc(f.value)) if f.strong else esc(f.value)}" for f in v.facts
    )


def _slack(v: AlertView, headline: str) -> tuple[str, str]:
    head = esc_slack(headline)
    head = f"*{slack_link(v.link, head)}*" if v.link else f"*{head}*"
    lines = [head, _facts_line(v, lambda s: f"*{s}*", esc_slack), esc_slack(v.byline)]
    # the header is plain_text, but Slack still reads `<!here>` in it: entities here too
    subject, cap = f"{v.emoji} {v.subject}", SLACK_TITLE_MAX
    title = esc_html(shorten(subject, cap))
    while len(title) > SLACK_TITLE_MAX:
        cap -= len(title) - SLACK_TITLE_MAX
        title = esc_html(shorten(subject, cap))
    return title, "\n".join(line for line in lines if line)


def _telegram(v: AlertView, headline: str) -> tuple[str, str]:
    who = f"<b>{esc_html(v.company or 'Unknown company')}</b>"
    if v.tickers:
        who += " (" + ", ".join(f"<code>{esc_html(t)}</code>" for t in v.tickers) + ")"
    head = esc_html(headline)
    head = f'<b><a href="{_href(v.link)}">{head}</a></b>' if v.link else f"<b>{head}</b>"
    lines = [
        f"{v.emoji} <b>{esc_html(v.badge)}</b> · {who}",
        head,
        _facts_line(v, lambda s: f"<b>{s}</b>", esc_html),
        f"<i>{esc_html(v.byline)}</i>",
    ]
    return "", "\n".join(line for line in lines if line)


def _markdown(v: AlertView, headline: str) -> tuple[str, str]:
    # The subject goes in the body, escaped: services that merge title and body (Discord)
    # would otherwise put raw article text into Markdown.
    head = esc_md(headline)
    head = f"**[{head}](<{v.link}>)**" if v.link else f"**{head}**"
    lines = [
        f"{v.emoji} **{esc_md(v.badge)}** · {esc_md(v.subject.partition(' · ')[2])}",
        head,
        _facts_line(v, lambda s: f"**{s}**", esc_md),
        f"_{esc_md(v.byline)}_",
    ]
    return "", "\n".join(line for line in lines if line)


def _html(v: AlertView, headline: str) -> tuple[str, str]:
    head = esc_html(headline)
    head = f'<a href="{_href(v.link)}">{head}</a>' if v.link else head
    lines = [
        f"<p><b>{v.emoji} {esc_html(v.subject)}</b></p>",
        f"<p><b>{head}</b></p>",
        f"<p>{_facts_line(v, lambda s: f'<b>{s}</b>', esc_html)}</p>" if v.facts else "",
        f"<p><small>{esc_html(v.byline)}</small></p>",
    ]
    return f"{v.emoji} {v.subject}", "\n".join(line for line in lines if line)


def _text(v: AlertView, headline: str) -> tuple[str, str]:
    lines = [headline, _facts_line(v, lambda s: s, lambda s: s), v.link or "", v.byline]
    return f"{v.emoji} {v.subject}", "\n".join(line for line in lines if line)


_RENDERERS: dict[Kind, Callable[[AlertView, str], tuple[str, str]]] = {
    "slack": _slack,
    "telegram": _telegram,
    "markdown": _markdown,
    "html": _html,
    "text": _text,
}
_FORMATS: dict[Kind, BodyFormat] = {
    "slack": "text",  # mrkdwn, sent by redflag's own transport
    "telegram": "html",
    "markdown": "markdown",
    "html": "html",
    "text": "text",
}


def measure(kind: Kind, title: str, body: str) -> int:
    """How a service counts the message against its limit."""
    if kind == "slack":
        return len(body)
    if kind == "telegram":
        return utf16_length(body)
    return len(title) + len(body)


def default_limit(kind: Kind) -> int:
    """The per-message limit of a kind when the service states none smaller."""
    return {"slack": SLACK_BODY_MAX, "telegram": TELEGRAM_MAX}.get(kind, 32_768)


def render(v: AlertView, kind: Kind, limit: int | None = None) -> Rendered:
    """One alert as one message of `kind`, within `limit` characters."""
    limit = min(limit or default_limit(kind), default_limit(kind))
    fn = _RENDERERS[kind]
    cap = HEADLINE_MAX
    title, body = fn(v, shorten(v.headline, cap))
    while measure(kind, title, body) > limit and cap > 10:
        cap = max(10, cap - max(10, (measure(kind, title, body) - limit)))
        title, body = fn(v, shorten(v.headline, cap))
    return Rendered(title, body, _FORMATS[kind], v.level)


# -- digests -----------------------------------------------------------------------------


def _digest_line(v: AlertView, kind: Kind) -> str:
    facts = " · ".join(f"{f.label} {f.value}" for f in v.facts)
    head = shorten(v.headline, 160)
    if kind == "slack":
        item = f"{v.emoji} *{esc_slack(v.subject)}*: " + (
            slack_link(v.link, esc_slack(head)) if v.link else esc_slack(head)
        )
        return f"{item} — {esc_slack(facts)}" if facts else item
    if kind == "telegram":
        link = f'<a href="{_href(v.link)}">{esc_html(head)}</a>' if v.link else esc_html(head)
        item = f"{v.emoji} <b>{esc_html(v.subject)}</b>: {link}"
        return f"{item} — {esc_html(facts)}" if facts else item
    if kind == "markdown":
        item = f"{v.emoji} **{esc_md(v.subject)}**: " + (
            f"[{esc_md(head)}](<{v.link}>)" if v.link else esc_md(head)
        )
        return f"- {item} — {esc_md(facts)}" if facts else f"- {item}"
    if kind == "html":
        link = f'<a href="{_href(v.link)}">{esc_html(head)}</a>' if v.link else esc_html(head)
        item = f"{v.emoji} <b>{esc_html(v.subject)}</b>: {link}"
        return f"<li>{item} — {esc_html(facts)}</li>" if facts else f"<li>{item}</li>"
    item = f"- {v.emoji} {v.subject}: {head}" + (f" — {facts}" if facts else "")
    return f"{item}\n  {v.link}" if v.link else item


def render_digest(views: Sequence[AlertView], kind: Kind, limit: int | None = None) -> Rendered:
    """Several held alerts as one message; items that do not fit are counted, not sent."""
    limit = min(limit or default_limit(kind), default_limit(kind))
    title = f"🗞 Digest · {len(views)} alert{'s' if len(views) != 1 else ''}"
    lines = [_digest_line(v, kind) for v in views]
    while True:
        more = len(views) - len(lines)
        tail = [f"…and {more} more"] if more else []
        if kind == "html":
            body = "<ul>\n" + "\n".join(lines) + "\n</ul>" + "".join(f"<p>{t}</p>" for t in tail)
        else:
            body = "\n".join(lines + tail)
        if kind == "telegram":
            body = f"<b>{esc_html(title)}</b>\n{body}"
        if measure(kind, title, body) <= limit or len(lines) <= 1:
            break
        lines.pop()
    level: NotifyLevel = "warning" if any(v.kind != "target_change" for v in views) else "info"
    return Rendered("" if kind == "telegram" else title, body, _FORMATS[kind], level)
