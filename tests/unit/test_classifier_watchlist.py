"""Watchlist.find: where each watched name stands in a sentence, and which company it is.

Guards the lookup's speed-ups (issue 14 item 6): Latin names found from the places of their
first word, Chinese names through one trie, each giving what a scan of every word gave."""

import pytest

from services.classifier.config import Company
from services.classifier.watchlist import Watchlist

WATCHED = Watchlist(
    [
        Company(company="Great Wall Motor", aliases=("长城汽车",)),
        Company(company="Great Eastern"),
        Company(company="Target Corp", aliases=("Target",)),
        Company(company="BYD", aliases=("比亚迪",)),
        Company(company="BYD Electronic", aliases=("比亚迪电子",)),
        Company(company="Škoda Auto", aliases=("Škoda",)),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Great Wall Motor recalls cars; Great Eastern too",
            [(0, "Great Wall Motor"), (31, "Great Eastern")],
        ),
        ("Target cuts its target", [(0, "Target Corp")]),  # lowercase: the noun, not the company
        ("Targeted ads, BYDX and XBYD are no names", []),  # only whole words
        ("BYD Electronic and BYD, BYD", [(0, "BYD Electronic"), (19, "BYD"), (24, "BYD")]),
        (
            "比亚迪电子召回,比亚迪下调目标",
            [(0, "BYD Electronic"), (8, "BYD")],
        ),  # longest name at a place
        ("ŠkodaX and Škoda", [(11, "Škoda Auto")]),  # Latin letters beyond ASCII bound a word
        ("长城汽车与Great Wall Motor", [(0, "Great Wall Motor"), (5, "Great Wall Motor")]),
    ],
)
def test_find(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(at, c.company) for at, c in WATCHED.find(text)] == expected
