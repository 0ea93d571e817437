"""Labelled rows in the corpus format (../shared/dev-corpus/README.md), for every generator here.

A row is (lang, title, summary, labels, optional, company, facts); a Chinese row whose title
changes under OpenCC's t2s is in traditional script and is marked so ("script": "hant").
"""

from collections.abc import Iterable

import opencc

Row = tuple[str, str, str, list[str], list[str], str, dict[str, object]]
_T2S = opencc.OpenCC("t2s")


def rows_to_items(rows: Iterable[Row], note: str) -> list[dict[str, object]]:
    """Rows in the corpus format (../shared/dev-corpus/README.md)."""
    out: list[dict[str, object]] = []
    for lang, title, summary, labels, optional, company, facts in rows:
        item: dict[str, object] = {
            "lang": lang,
            "title": title,
            "summary": summary,
            "published": "2025-01-01",
            "source_url": "",
            "labels": labels,
            "optional": optional,
            "company": company,
            "tickers": [],
            "facts": facts,
            "note": note,
        }
        if lang == "zh" and title != str(_T2S.convert(title)):
            item["script"] = "hant"
        out.append(item)
    return out
