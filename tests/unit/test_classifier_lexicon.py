"""Lexicons as data: they load, stay consistent with the screen, and report bad edits clearly."""

from pathlib import Path

import pytest
import yaml

from services.classifier.core import load_rules
from services.classifier.crash import CASUALTY_STEMS
from services.classifier.lexicon import LEXICON_DIR, load_lexicons
from services.classifier.lexmodel import Lexicon, LexiconError
from services.classifier.screenwords import tokens, word_bytes
from services.classifier.text import clean_body, split_sentences
from services.classifier.wordforms import fast_alternation, forms


def test_one_lexicon_per_language() -> None:
    assert [lex.language for lex in load_lexicons()] == ["en", "zh"]


@pytest.mark.parametrize("lex", load_lexicons(), ids=lambda lex: lex.language)
def test_every_anchor_contains_a_screen_word(lex: Lexicon) -> None:
    """An anchor the screen cannot see would never fire: each must hold a screen word."""
    anchors = {
        "recall": [lex.recall.anchors],
        "crash": [lex.crash.strong, lex.crash.weak],
        "target_change": [lex.target.nouns],
    }
    for kind, patterns in anchors.items():
        words = set(lex.screen[kind]) | set(lex.screen_phrases[kind])
        for pattern in patterns:
            found = forms(pattern.pattern)
            for text in found.whole | found.open_:
                if lex.cjk:
                    assert any(w in text for w in words), (kind, text)
                else:
                    has_word = set(tokens(text)) & words or any(p in text for p in words)
                    assert has_word, (kind, text)


@pytest.mark.parametrize("lex", load_lexicons(), ids=lambda lex: lex.language)
def test_every_warning_names_a_headline_word(lex: Lexicon) -> None:
    """Profit warnings are read in the headline and lead of a page that passed the screen:
    each must hold one of the words that make such a sentence worth reading."""
    data = yaml.safe_load((LEXICON_DIR / f"{lex.language}.yaml").read_text(encoding="utf-8"))
    words = set(lex.screen["target_change"]) | set(lex.screen_more["target_change"])
    for entry in data["target_change"]["warning"]:
        assert any(w in entry for w in words), entry


@pytest.mark.parametrize(
    ("pattern", "whole", "open_"),
    [
        ("recall(?:s|ed)?", {"recall", "recalls", "recalled"}, set()),
        ("(?<![a-z])(?:cars?|e\\. coli)(?![a-z])", {"car", "cars", "e. coli"}, set()),
        ("set (?:\\w+ ){0,3}ablaze", {"set ablaze"}, {"set "}),
        ("hospitali[sz]ed", {"hospitalised", "hospitalized"}, set()),
        ("(?:a|b\\w+)c", {"ac"}, {"b"}),
        ("召回|事故", {"召回", "事故"}, set()),
    ],
)
def test_word_forms(pattern: str, whole: set[str], open_: set[str]) -> None:
    found = forms(pattern)
    assert (set(found.whole), set(found.open_)) == (whole, open_)


def test_bad_regex_names_file_and_key(tmp_path: Path) -> None:
    text = (LEXICON_DIR / "en.yaml").read_text(encoding="utf-8")
    (tmp_path / "en.yaml").write_text(
        text.replace('    - "recall(?:s|ed|ing)?"', '    - "recall(?:s|ed|ing"'), encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"en\.yaml: recall\.anchors: bad regex"):
        load_lexicons(tmp_path)


def test_missing_key_names_it(tmp_path: Path) -> None:
    (tmp_path / "xx.yaml").write_text("language: xx\nscript: latin\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"xx\.yaml: missing key '[a-z_.]+'"):
        load_lexicons(tmp_path)


def test_load_rules_is_cheap_after_the_first() -> None:
    assert load_rules().lexicons is load_rules().lexicons


def test_footer_cuts_the_page_and_clutter_is_dropped() -> None:
    pages = [lex.page for lex in load_lexicons()]
    body = "\n".join(
        [
            "Home | World | Business | Tech",
            "Advertisement",
            "The first paragraph of the story is long enough to be prose.",
            "Reporting by staff; editing by the desk.",
            "Related stories",
            "- Another story",
        ]
    )
    assert clean_body(body, pages) == [
        "The first paragraph of the story is long enough to be prose."
    ]
    zh = "正文第一段说明了事件的经过和影响。\n相关阅读\n· 其他新闻"
    assert clean_body(zh, pages) == ["正文第一段说明了事件的经过和影响。"]


@pytest.mark.parametrize(
    ("paragraph", "cjk", "expected"),
    [
        (
            "Toyota Motor Corp. said on Monday it would recall 1.2 million cars in the U.S. "
            "The fix is free.",
            False,
            [
                "Toyota Motor Corp. said on Monday it would recall 1.2 million cars in the U.S.",
                "The fix is free.",
            ],
        ),
        (
            "特斯拉召回5836辆进口车。将通过OTA修复\uff01",
            True,
            ["特斯拉召回5836辆进口车。", "将通过OTA修复\uff01"],
        ),
    ],
)
def test_sentences(paragraph: str, cjk: bool, expected: list[str]) -> None:
    assert list(split_sentences(paragraph, cjk=cjk)) == expected


def test_every_casualty_template_holds_a_stem() -> None:
    """`crash.casualties` skips a sentence without its kind's stems: each template needs one."""
    for lex in load_lexicons(LEXICON_DIR):
        if lex.cjk:
            continue
        for key, patterns in (
            ("fatalities", lex.crash.fatalities),
            ("injuries", lex.crash.injuries),
        ):
            for pattern in patterns:
                assert any(stem in pattern.pattern for stem in CASUALTY_STEMS[key]), pattern.pattern


@pytest.mark.parametrize(
    "text",
    ["召回recall事故", "Ä crash-test\x01x ß", "İstanbul bus crash, 3 dead", "a\u2028b\x85c"],
)
def test_tokens_without_ascii_match_the_ascii_split(text: str) -> None:
    low = text.lower()
    ascii_only = low.encode("ascii", "replace").decode("ascii")
    assert tokens(low) == tokens(ascii_only.replace("?", " "))


@pytest.mark.parametrize("construct", ["(?i)recall", "(?#note)recall", "(?s:recall)"])
def test_word_forms_reject_what_they_do_not_read(construct: str) -> None:
    with pytest.raises(ValueError, match="unsupported construct"):
        forms(construct)


@pytest.mark.parametrize(
    ("entry", "message"),
    [("(?i)recall", "unsupported construct"), ("Recall", "has capitals")],
)
def test_lexicon_entry_that_never_matches_is_refused(
    tmp_path: Path, entry: str, message: str
) -> None:
    text = (LEXICON_DIR / "en.yaml").read_text(encoding="utf-8")
    (tmp_path / "en.yaml").write_text(
        text.replace('    - "recall(?:s|ed|ing)?"', f'    - "{entry}"'), encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=rf"en\.yaml: recall\.anchors: .*{message}"):
        load_lexicons(tmp_path)


def test_a_phrase_of_many_forms_stays_as_written() -> None:
    """A phrase spelling out hundreds of strings is not blown up into a trie (start-up time)."""
    item = "(?:ab|cd|ef|gh|ij|kl|mn|op) (?:ab|cd|ef|gh|ij|kl|mn|op) (?:ab|cd|ef|gh|ij|kl|mn|op)"
    assert fast_alternation([item]) == f"(?:{item})"
    assert fast_alternation(["crash(?:es|ed)?"]) != "(?:crash(?:es|ed)?)"  # a short list: trie


@pytest.mark.parametrize(
    "text",
    ["召回recall事故", "Ä crash-test\x01x ß", "a\u2028b\x85c", "unit\x1fsep\x1crecord\x1d\x1eend"],
)
def test_the_screens_byte_split_gives_the_words_of_the_str_split(text: str) -> None:
    low = text.lower()
    assert word_bytes(low) == [word.encode() for word in tokens(low)]
