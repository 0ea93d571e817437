"""Clean text from feed HTML: no markup, no scripts, entities decoded, no control characters.

Regular expressions instead of an HTML tree: the result only feeds a classifier and chat
messages, and a regex pass costs a few microseconds where html.parser costs a millisecond.
"""

import html
import re

from schemas.limits import MAX_LANG
from services.core.cjk import IDEOGRAPH

# Elements whose content is never text a reader sees.
_INVISIBLE = re.compile(
    r"<(script|style|template|head)\b"
    r"[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|pre|section|article|header|footer|hr"
    r"|dd|dt|dl|figure|figcaption|aside|nav)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.IGNORECASE,
)
# A tag starts "<" + letter, "/", "?", or "<!" + letter, "[", "-"; so "a < b" stays text. A
# quoted ">" does not end it, unless the quote never closes (`<a href=x">`).
_TAG_START = r"<(?:[A-Za-z/?]|![A-Za-z\[-])"
_TAG = re.compile(_TAG_START + r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|" + _TAG_START + r"[^>]*>")
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
# C0 controls except tab/newline, C1 controls (U+0085 too), and the XML non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_CJK = IDEOGRAPH  # one definition of the ranges (services/core/cjk.py)
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def clean_text(value: str) -> str:
    """Plain text: drop control characters and collapse whitespace to single spaces."""
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return " ".join(value.split())


def html_to_text(value: str, *, keep_breaks: bool = False) -> str:
    """Visible text of an HTML fragment; `keep_breaks` keeps one newline per block."""
    if "<" in value:
        value = _INVISIBLE.sub(" ", value)
        if "<![" in value:
            value = _CDATA.sub("", value)
        if keep_breaks:
            value = _BLOCK.sub("\n", value.replace("\n", " ").replace("\r", " "))
        value = _TAG.sub(" ", value)
    if "&" in value:
        value = html.unescape(value)
    if not keep_breaks:
        return clean_text(value)
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value.replace("\r", " "))
    lines = (" ".join(line.split()) for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def normalise_lang(value: str | None) -> str | None:
    """'en-us' -> 'en-US', 'EN' -> 'en'; None for anything that is not a language tag."""
    if not value:
        return None
    value = value.strip()
    if len(value) > MAX_LANG or not _LANG_TAG.match(value):
        return None
    primary, *rest = value.replace("_", "-").split("-")
    subtags = [part.upper() if len(part) == 2 else part.lower() for part in rest]
    return "-".join([primary.lower(), *subtags])


def detect_lang(text: str) -> str | None:
    """Cheap guess from the script: kana -> ja, hangul -> ko, CJK -> zh, ASCII-heavy -> en."""
    sample = text[:300]
    if not sample:
        return None
    if sample.isascii():
        return "en" if any(c.isalpha() for c in sample) else None
    if _KANA.search(sample):
        return "ja"
    if len(_HANGUL.findall(sample)) * 5 >= len(sample):
        return "ko"
    if len(_CJK.findall(sample)) * 5 >= len(sample):
        return "zh"
    ascii_chars = len(sample.encode("ascii", "ignore"))
    return "en" if ascii_chars >= 0.95 * len(sample) else None
