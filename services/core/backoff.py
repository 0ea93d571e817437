"""Exponential back-off and jitter: one formula for feeds, chat deliveries, the broker
connection and the consume step's retries.

Jitter spreads clients that failed together (a host outage, a broker restart) so they do
not come back in lockstep (AWS Architecture Blog, "Exponential Backoff and Jitter").
"""

import random


def exponential(attempt: int, base: float, cap: float) -> float:
    """base * 2**(attempt-1) for the 1-based `attempt`, never above `cap`."""
    exponent = min(max(attempt - 1, 0), 62)  # 2**62 times any base is past any cap
    return min(cap, base * 2.0**exponent)


def spread(delay: float, low: float, high: float, rng: random.Random | None = None) -> float:
    """`delay` times a random factor in [1 + low, 1 + high] (e.g. -0.1, 0.1 or 0, 0.25)."""
    if low == high == 0:
        return delay
    return delay * (1.0 + (rng or random).uniform(low, high))  # jitter, not cryptography
