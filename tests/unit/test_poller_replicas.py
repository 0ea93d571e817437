"""Rendezvous hashing: every feed has exactly one owner; few move when the count changes."""

import pytest

from services.poller.replicas import owner, owns

URLS = [f"https://feeds.example.com/{n}.xml" for n in range(3000)]


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_each_feed_has_exactly_one_owner(count: int) -> None:
    for url in URLS[:500]:
        assert sum(owns(url, index, count) for index in range(count)) == 1


def test_load_is_balanced() -> None:
    shares = [sum(owner(url, 4) == index for url in URLS) for index in range(4)]
    assert all(600 <= share <= 900 for share in shares)


def test_adding_a_replica_moves_only_its_share() -> None:
    moved = sum(owner(url, 4) != owner(url, 5) for url in URLS)
    assert moved == sum(owner(url, 5) == 4 for url in URLS)  # only to the new replica
    assert 450 <= moved <= 750  # about 1/5


def test_single_replica_owns_everything() -> None:
    assert all(owns(url, 0, 1) for url in URLS[:10])
