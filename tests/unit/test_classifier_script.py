"""Traditional Chinese reads as its simplified twin: the same events, figures and company.

OpenCC is loaded only by a text that needs converting (issue 14 item 6): a start-up with the
on-disk cache filled reads the characters t2s changes and the watchlist's converted names from
it, and loads no OpenCC."""

import subprocess
import sys
from pathlib import Path

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from services.classifier.script import simplified, simplified_names
from tests.support.texts import Text as _Text

WATCHLIST = (
    Company(company="Honda Motor", tickers=("7267.T",), aliases=("Honda", "本田")),
    Company(company="Geely Automobile", tickers=("0175.HK",), aliases=("吉利汽车", "吉利")),
    Company(company="Cathay Pacific", tickers=("0293.HK",), aliases=("国泰航空",)),
)


def Text(title: str, summary: str = "", content: str = "", lang: str | None = "zh") -> _Text:  # noqa: N802
    """This file's articles are in zh unless a test says otherwise."""
    return _Text(title, summary, content, lang)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(WATCHLIST)


# (traditional, type, company, key figure): our own examples, as HK and TW desks write them.
TRADITIONAL = [
    ("本田宣佈召回36萬輛汽車 因燃油泵可能失效", "recall", "Honda Motor", 360000),
    ("吉利汽車回收2.4萬輛電動車", "recall", "Geely Automobile", 24000),
    ("一列貨運列車在山西出軌 無人傷亡", "crash", None, None),
    ("國泰航空客機降落時衝出跑道起火", "crash", "Cathay Pacific", None),
    ("瑞銀調升吉利汽車目標價至25港元", "target_change", "Geely Automobile", 25),
    ("本田下修全年銷量目標至360萬輛", "target_change", "Honda Motor", 3600000),
]


@pytest.mark.parametrize(("title", "kind", "company", "figure"), TRADITIONAL)
def test_traditional_script(
    rules: Rules, title: str, kind: str, company: str | None, figure: int | None
) -> None:
    events = {e.type: e for e in classify(Text(title), rules)}
    assert set(events) == {kind}
    event = events[kind]
    if company:
        assert event.company == company
        assert event.on_watchlist
    if figure is not None:
        assert figure in {event.facts.units, event.facts.new}


def test_simplified_text_is_returned_as_it_is() -> None:
    text = "丰田召回40万辆汽车"
    assert simplified(text) is text
    assert simplified("Toyota recalls cars") == "Toyota recalls cars"
    assert simplified("豐田召回40萬輛汽車") == text


ROOT = Path(__file__).resolve().parents[2]
START = """
import sys
from services.classifier.config import Company
from services.classifier.core import load_rules
rules = load_rules([Company(company="Nissan", aliases=("日産", "日產汽車"))])
print(sorted(rules.watchlist.by_name), "opencc" in sys.modules)
"""


def start(cache: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cache), "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_start_with_the_cache_filled_loads_no_opencc(tmp_path: Path) -> None:
    first, second = start(tmp_path), start(tmp_path)
    names = "['nissan', '日产', '日产汽车', '日產汽車', '日産']"
    assert first == f"{names} True"  # an empty cache: OpenCC converts the names
    assert second == f"{names} False"  # then they come from the cache


@pytest.mark.parametrize(
    "names", [["日產汽車", "Nissan", "日産"], ["豐田", "丰田", "豐田"], ["Toyota"], []]
)
def test_simplified_names_are_those_opencc_gives(names: list[str]) -> None:
    assert simplified_names(names) == [simplified(name) for name in names]
