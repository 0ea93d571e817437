"""Alerts as readable blocks in a terminal: what `redflag run` and `redflag demo` print.

    ⚠️  RECALL  Acme Motors (ACME)                                         ★ watchlist
        Acme recalls 12,000 SUVs over brake fault
        Units: 12,000
        https://news.example/acme-recall
        Reuters · 2025-03-04 14:05 UTC · confidence 92%

Colours only when the stream is a TTY (and NO_COLOR is unset, https://no-color.org).
"""

import os
import unicodedata
from typing import TextIO

from services.notifier.view import AlertView

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_UNDERLINE = "\033[4m"
_BADGE_COLOURS = {
    "failure": "\033[1;97;41m",  # white on red
    "warning": "\033[1;30;43m",  # black on yellow
    "info": "\033[1;97;44m",  # white on blue
}
WIDTH = 88
INDENT = "    "


def use_colour(stream: TextIO) -> bool:
    """Colour when writing to a terminal and the user has not opted out."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def width(text: str) -> int:
    """Terminal columns: wide (CJK, emoji) characters take two, combining marks none."""
    cols = 0
    for ch in text:
        if unicodedata.combining(ch) or ch == "\ufe0f":
            continue
        cols += 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
    return cols


def format_alert(v: AlertView, *, colour: bool = False) -> str:
    """One alert as a block of lines followed by a blank line."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    who = v.company or "Unknown company"
    if v.tickers:
        who += " (" + ", ".join(v.tickers) + ")"
    badge = f" {v.badge} " if colour else v.badge
    head = f"{v.emoji}  {paint(badge, _BADGE_COLOURS[v.level])}  {paint(who, _BOLD)}"
    if v.on_watchlist:
        plain = 2 + 2 + width(badge) + 2 + width(who)  # an emoji is two columns wide
        head += " " * max(2, WIDTH - plain - 11) + "★ watchlist"
    lines = [head]
    lines.append(INDENT + paint(v.headline, _BOLD))  # unwrapped: the terminal wraps, grep finds it
    if v.facts:
        facts = " · ".join(
            f"{f.label}: {paint(f.value, _BOLD) if f.strong else f.value}" for f in v.facts
        )
        lines.append(INDENT + facts)
    if v.link:
        lines.append(INDENT + paint(v.link, _UNDERLINE))
    meta = " · ".join(p for p in (v.source, v.when, f"confidence {v.confidence}") if p)
    if v.delayed:
        lines.append(INDENT + paint(v.delay_note, _BOLD))
    lines.append(INDENT + paint(meta, _DIM))
    return "\n".join(lines) + "\n\n"


def print_alert(v: AlertView, out: TextIO) -> None:
    """Write one alert block to `out` and flush, so it shows at once."""
    out.write(format_alert(v, colour=use_colour(out)))
    out.flush()
