"""The on-disk cache of expanded lexicon sources: same rules, rebuilt when stale or bad."""

import json
import os
import re
import time
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from services.classifier.lazyregex import LazyPattern, LazyRegexError
from services.classifier.lexicon import load_lexicons
from services.classifier.lexmodel import Lexicon
from services.classifier.screen import Screen
from services.classifier.sourcecache import FORMAT, STALE_SECONDS, cached_text


def patterns(lexicons: tuple[Lexicon, ...]) -> list[str]:
    """Every regex source in the lexicons, in order."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, re.Pattern | LazyPattern):
            out.append(node.pattern)
        elif is_dataclass(node):
            for f in fields(node):
                walk(getattr(node, f.name))
        elif isinstance(node, tuple | list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(lexicons)
    return out


@pytest.fixture(scope="module")
def uncached() -> list[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", "/dev/null/nowhere")  # cannot be written: no cache
        return patterns(load_lexicons())


def cache_file(directory: Path, name: str = "lexicons") -> Path:
    [path] = (directory / "redflag").glob(f"{name}-*.json")
    return path


def test_second_start_reads_the_cache_and_builds_the_same_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached: list[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert patterns(load_lexicons()) == uncached
    data = json.loads(cache_file(tmp_path).read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and len(data["sources"]) > 50
    assert patterns(load_lexicons()) == uncached


def test_unreadable_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached: list[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_lexicons()
    path = cache_file(tmp_path)
    path.write_bytes(b"\xff not json")
    assert patterns(load_lexicons()) == uncached
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT


def test_damaged_cache_is_thrown_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached: list[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_lexicons()
    path = cache_file(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sources"] = dict.fromkeys(data["sources"], "(unclosed")  # the checksum is the old one
    path.write_text(json.dumps(data), encoding="utf-8")
    assert patterns(load_lexicons()) == uncached
    rewritten = json.loads(path.read_text(encoding="utf-8"))["sources"]
    assert "(unclosed" not in rewritten.values()


def test_cache_of_other_lexicons_or_format_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached: list[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    stale = tmp_path / "redflag" / "lexicons-0000000000000000.json"
    stale.parent.mkdir()
    stale.write_text(json.dumps({"format": FORMAT, "key": "0" * 64, "sources": {}}))
    recent = stale.with_name("lexicons-1111111111111111.json")
    recent.write_text(stale.read_text())  # another install's, written today: kept
    os.utime(recent, (time.time(), time.time()))  # today in the clock the code reads
    day_old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (day_old, day_old))
    load_lexicons()
    recent.unlink()  # it stayed; now out of the way
    path = cache_file(tmp_path)  # exactly one left: the day-old one is gone
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = FORMAT + 1
    data["sources"] = dict.fromkeys(data["sources"], "(?!x)x")  # compiles, but wrong
    path.write_text(json.dumps(data), encoding="utf-8")
    assert patterns(load_lexicons()) == uncached  # another format: not read at all


def test_unwritable_cache_directory_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    assert patterns(load_lexicons()) == uncached
    assert list(tmp_path.iterdir()) == [blocker]


def test_start_from_the_cache_compiles_regexes_when_first_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_lexicons()
    en = load_lexicons()[0]
    strong = en.crash.strong
    assert isinstance(strong, LazyPattern) and "search" not in vars(strong)
    text = "a bus overturned on the highway; the plane crashed"
    expected = [m.span() for m in re.compile(strong.pattern).finditer(text)]
    assert expected and [m.span() for m in strong.finditer(text)] == expected
    assert "search" in vars(strong)  # compiled once, now answered by the compiled pattern


def test_lazy_pattern_with_a_bad_source_names_it() -> None:
    lazy = LazyPattern("(unclosed", "en.yaml: crash.strong")
    with pytest.raises(LazyRegexError, match=r"en.yaml: crash.strong: bad regex"):
        lazy.search("text")


def test_cached_text_is_built_once_and_rebuilt_when_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    builds: list[str] = []

    def build() -> str:
        builds.append("built")
        return "萬與"

    assert cached_text("t2s-chars", "k" * 64, build) == "萬與"
    assert cached_text("t2s-chars", "k" * 64, build) == "萬與"
    assert builds == ["built"]
    path = cache_file(tmp_path, "t2s-chars")
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "text": "萬"}), encoding="utf-8")  # checksum now wrong
    assert cached_text("t2s-chars", "k" * 64, build) == "萬與"
    assert cached_text("t2s-chars", "j" * 64, build) == "萬與"  # another key: built again
    assert builds == ["built"] * 3
    directory = tmp_path / "redflag"
    assert len(list(directory.glob("t2s-chars-*.json"))) == 2  # the other key's is recent: kept
    old = time.time() - STALE_SECONDS - 60
    os.utime(directory / "t2s-chars-kkkkkkkkkkkkkkkk.json", (old, old))
    cached_text("t2s-chars", "m" * 64, build)  # a write drops the day-old file of another key
    left = sorted(p.name[10:11] for p in directory.glob("t2s-chars-*.json"))
    assert left == ["j", "m"]


def test_screen_from_cached_forms_equals_one_read_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lexicons = load_lexicons()
    monkeypatch.setenv("XDG_CACHE_HOME", "/dev/null/nowhere")
    fresh = Screen(lexicons)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    Screen(lexicons)
    cached = Screen(lexicons)
    assert cache_file(tmp_path, "screen-forms")
    assert cached.contexts == fresh.contexts and cached.words == fresh.words
