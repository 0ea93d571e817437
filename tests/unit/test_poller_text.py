"""HTML to text, control characters, language tags and detection."""

import pytest

from services.poller.text import clean_text, detect_lang, html_to_text, normalise_lang


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("a &amp; b &lt;c&gt; &#169; &nbsp;d", "a & b <c> © d"),
        ("x<script>alert('<p>')</script>y", "x y"),
        ("x<style>p { color: red }</style>y", "x y"),
        ("x<!-- hidden <b>comment</b> -->y", "x y"),
        ('<a href="javascript:alert(1)" onclick="x>y">link</a>', "link"),
        ("unclosed <script>while(1){}", "unclosed"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("<![CDATA[<b>in cdata</b>]]>", "in cdata"),
        ("  lots\n\tof   space  ", "lots of space"),
        ("<iframe src='x'>fallback text</iframe>after", "fallback text after"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_html_to_text_keeps_paragraph_breaks() -> None:
    html = "<p>One\nline</p><p>Two</p><ul><li>three</li></ul>"
    assert html_to_text(html, keep_breaks=True) == "One line\nTwo\nthree"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("NUL\x00 and ESC\x1b and SOH\x01", "NUL and ESC and SOH"),
        ("next line\x85 and C1\x9b", "next line and C1"),
        ("tab\tnewline\nkept as space", "tab newline kept as space"),
        ("\ufffe\uffffok", "ok"),
    ],
)
def test_clean_text_strips_control_characters(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-us", "en-US"),
        ("EN", "en"),
        ("zh_cn", "zh-CN"),
        ("zh-Hans-CN", "zh-hans-CN"),
        ("", None),
        (None, None),
        ("not a language", None),
    ],
)
def test_normalise_lang(tag: str | None, expected: str | None) -> None:
    assert normalise_lang(tag) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Toyota recalls one million cars", "en"),
        ("小米汽车召回116887辆SU7", "zh"),
        ("トヨタがリコールを発表", "ja"),
        ("현대차 리콜 발표", "ko"),
        ("Новости дня", None),
        ("", None),
        ("12345", None),
    ],
)
def test_detect_lang(text: str, lang: str | None) -> None:
    assert detect_lang(text) == lang
