"""Traditional Chinese reads as its simplified twin: the same events, figures and company."""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from services.classifier.script import simplified
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
