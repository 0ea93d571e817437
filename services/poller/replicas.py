"""Which replica polls which feed: rendezvous (highest-random-weight) hashing of feed URLs.

Every replica computes the same owner for a feed from the URL and the replica count alone,
so no feed is polled twice and no coordination is needed. When the count changes (restart
every replica with the new `replica_count`), only about 1/n of the feeds move.
"""

import hashlib


def _weight(replica: int, key: str) -> int:
    digest = hashlib.blake2b(f"{replica}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def owner(key: str, replica_count: int) -> int:
    """The replica (0-based) that owns the feed with configured URL `key`."""
    return max(range(replica_count), key=lambda replica: _weight(replica, key))


def owns(key: str, replica_index: int, replica_count: int) -> bool:
    """True when this replica polls the feed."""
    return replica_count <= 1 or owner(key, replica_count) == replica_index
