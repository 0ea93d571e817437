"""Rendering: the display parts of an alert, escaping per markup, length limits, the console."""

from datetime import UTC, datetime
from typing import Any

import pytest

from schemas.alert import Alert, Event, Facts
from services.notifier.console import format_alert
from services.notifier.render import (
    esc_html,
    esc_md,
    esc_slack,
    render,
    render_digest,
    slack_link,
    utf16_length,
)
from services.notifier.view import clean, defuse_mentions, number, safe_link, view


def alert(kind: str = "recall", title: str = "Acme recalls SUVs", **event: Any) -> Alert:
    fields: dict[str, Any] = {
        "type": kind,
        "confidence": 0.874,
        "company": "Acme",
        "tickers": ("ACME",),
    }
    fields.update(event)
    return Alert(
        id="a",
        article_id="x",
        title=title,
        link="https://news.example/a",
        source="Reuters",
        published=datetime(2025, 3, 4, 14, 5, tzinfo=UTC),
        event=Event(**fields),
    )


@pytest.mark.parametrize(
    ("kind", "facts", "badge", "line"),
    [
        ("recall", Facts(units=12000), "RECALL", "Units: 12,000"),
        ("crash", Facts(fatalities=3, injuries=12), "CRASH", "Fatalities: 3 · Injuries: 12"),
        (
            "target_change",
            Facts(metric="price target", direction="raise", old=150, new=180, currency="USD"),
            "TARGET ↑",
            "Price target: USD 150 → USD 180 (+20.0%)",
        ),
        (
            "target_change",
            Facts(metric="revenue", old=10.5, new=9.8, currency="EUR", period="FY2025"),
            "TARGET ↓",
            "Revenue (FY2025): EUR 10.50 → EUR 9.80 (\u22126.7%)",
        ),
        (
            "target_change",
            Facts(metric="guidance", direction="withdraw"),
            "TARGET WITHDRAWN",
            "Guidance: withdrawn",
        ),
        (
            "target_change",
            Facts(metric="operating_profit", direction="withdraw", old=7e9, currency="USD"),
            "TARGET WITHDRAWN",
            "Operating profit: USD 7,000,000,000 → withdrawn",
        ),
    ],
)
def test_badge_and_key_facts(kind: str, facts: Facts, badge: str, line: str) -> None:
    v = view(alert(kind, facts=facts))
    assert v.badge == badge
    assert " · ".join(f"{f.label}: {f.value}" for f in v.facts) == line
    assert v.subject == f"{badge} · Acme (ACME)"
    assert v.byline == "Reuters (news.example) · 2025-03-04 14:05 UTC · confidence 87%"


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("a\nb\tc", "a b c"),
        ("x\u0000y\u202ez", "xyz"),  # NUL and right-to-left override dropped
        ("  spaced   out ", "spaced out"),
        (None, ""),
    ],
)
def test_clean(raw: str | None, out: str) -> None:
    assert clean(raw) == out


def test_mentions_are_defused_everywhere() -> None:
    assert defuse_mentions("ping @everyone and @HERE, not me@example.com") == (
        "ping @\u200beveryone and @\u200bHERE, not me@example.com"
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://x.example/a b|c>", "https://x.example/a%20b%7Cc%3E"),
        ("javascript:alert(1)", None),
        ("ftp://x.example/f", None),
        ("", None),
    ],
)
def test_safe_link(url: str, safe: str | None) -> None:
    assert safe_link(url) == safe


@pytest.mark.parametrize(
    ("value", "text"), [(12000, "12,000"), (12.5, "12.5"), (3.10, "3.1"), (None, "?")]
)
def test_number(value: float | None, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("fn", "raw", "escaped"),
    [
        (
            esc_slack,
            "<!channel> & *b* _i_ `c` ~s~ [l](u) \\",
            "&lt;!channel&gt; &amp; \u2217b\u2217 \u02cdi\u02cd \u02cbc\u02cb "
            "\u223cs\u223c [l](u) \\",
        ),
        (esc_md, "<b> *x* _y_ [l](u) & `c`", "\\<b\\> \\*x\\* \\_y\\_ \\[l\\](u) \\& \\`c\\`"),
        (esc_html, '<b> & "q"', '&lt;b&gt; &amp; "q"'),
    ],
)
def test_escaping(fn: Any, raw: str, escaped: str) -> None:
    assert fn(raw) == escaped


@pytest.mark.parametrize(
    ("kind", "limit"), [("telegram", 4096), ("slack", 3000), ("markdown", 2000), ("text", 500)]
)
def test_long_headlines_are_shortened_to_fit(kind: Any, limit: int) -> None:
    # past the schema's title limit: built unvalidated, rendering must still fit the channel
    long = alert(facts=Facts(units=12000)).model_copy(update={"title": "Crash & <burn> 💥 " * 3000})
    v = view(long)
    r = render(v, kind, limit)
    measured = {"telegram": utf16_length(r.body), "slack": len(r.body)}.get(
        kind, len(r.title) + len(r.body)
    )
    assert measured <= limit
    assert "…" in r.body
    assert "12,000" in r.body  # the facts survive; only the headline is cut
    assert "Acme" in r.title + r.body


@pytest.mark.parametrize(
    ("link", "source", "shown"),
    [
        ("https://www.reuters.com/x", "Reuters", "Reuters (reuters.com)"),
        ("https://evil.example/x", "Reuters", "Reuters (evil.example)"),
        ("https://news.bbc.co.uk/x", "BBC News", "BBC News (bbc.co.uk)"),
        ("https://someone.github.io/x", "GitHub", "GitHub (someone.github.io)"),
        ("https://reuters.com/x", "reuters.com", "reuters.com"),
        ("http://8.8.8.8/x", "Wire", "Wire (8.8.8.8)"),
        (None, "Reuters", "Reuters"),
    ],
)
def test_source_shows_the_links_registered_domain(
    link: str | None, source: str, shown: str
) -> None:
    """Issue 11: 'Reuters' linking to evil.example is visible as such."""
    assert view(alert().model_copy(update={"link": link, "source": source})).source == shown


@pytest.mark.parametrize(
    "link",
    [
        "http://0x7f000001/admin", "http://2130706433/x", "http://[::ffff:169.254.169.254]/x",
        "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/x", "http://localhost/x",
        "http://0xa9fea9fe/x", "http://[64:ff9b::a9fe:a9fe]/x", "javascript:alert(1)",
    ],
)  # fmt: skip
def test_links_to_private_or_oddly_spelt_hosts_are_dropped(link: str) -> None:
    """Issue 11: hex/integer/IPv6-mapped addresses in links never reach an alert."""
    v = view(alert().model_copy(update={"link": link}))
    assert v.link is None
    assert v.source == "Reuters"


def test_slack_link_keeps_the_url_whole_and_the_label_inert() -> None:
    url = safe_link("https://news.example/a?b=1&c=<2>|x")
    assert url is not None
    assert slack_link(url, esc_slack("<@U1> & co")) == (
        "<https://news.example/a?b=1&amp;c=%3C2%3E%7Cx|&lt;@U1&gt; &amp; co>"
    )


def test_slack_body_is_mrkdwn() -> None:
    r = render(view(alert(facts=Facts(units=12000), on_watchlist=True)), "slack")
    assert r.title == "⚠️ RECALL · Acme (ACME)"
    assert r.body.splitlines() == [
        "*<https://news.example/a|Acme recalls SUVs>*",
        "Units: *12,000*",
        "Reuters (news.example) · 2025-03-04 14:05 UTC · confidence 87% · ★ watchlist",
    ]


def test_telegram_body_carries_everything_and_no_title() -> None:
    r = render(view(alert(facts=Facts(units=12000), on_watchlist=True)), "telegram")
    assert r.title == ""
    assert r.body_format == "html"
    assert r.body.splitlines() == [
        "⚠️ <b>RECALL</b> · <b>Acme</b> (<code>ACME</code>)",
        '<b><a href="https://news.example/a">Acme recalls SUVs</a></b>',
        "Units: <b>12,000</b>",
        "<i>Reuters (news.example) · 2025-03-04 14:05 UTC · confidence 87% · ★ watchlist</i>",
    ]


@pytest.mark.parametrize(
    ("severe", "kind", "level"),
    [(True, "crash", "failure"), (False, "crash", "warning"), (False, "target_change", "info")],
)
def test_level(severe: bool, kind: str, level: str) -> None:
    assert render(view(alert(kind), critical=severe), "text").level == level


def test_digest_drops_items_that_do_not_fit_and_says_so() -> None:
    views = [view(alert(title=f"Headline {n} " + "x" * 150)) for n in range(60)]
    r = render_digest(views, "telegram", 4096)
    assert utf16_length(r.body) <= 4096
    assert r.body.startswith("<b>🗞 Digest · 60 alerts</b>")
    assert r.body.rstrip().endswith("more")


def test_console_block() -> None:
    text = format_alert(view(alert(facts=Facts(units=12000), on_watchlist=True)))
    lines = text.rstrip("\n").split("\n")
    assert lines[0].startswith("⚠️  RECALL  Acme (ACME)")
    assert lines[0].endswith("★ watchlist")
    assert lines[1:] == [
        "    Acme recalls SUVs",
        "    Units: 12,000",
        "    https://news.example/a",
        "    Reuters (news.example) · 2025-03-04 14:05 UTC · confidence 87%",
    ]


def test_console_colour_only_when_asked() -> None:
    v = view(alert("crash", facts=Facts(fatalities=2)), critical=True)
    assert "\033[" not in format_alert(v)
    assert "\033[1;97;41m CRASH \033[0m" in format_alert(v, colour=True)
