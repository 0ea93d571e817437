"""The currency of a bare 元, per event: the covered company's market, else the script's.

Chinese news writes a price as "1500元" on the mainland, in Hong Kong and in Taiwan alike, each
meaning its own currency. The number grammar marks such a figure `LOCAL`; this resolves it once
the event knows its company: a watched company's ticker says its market ("2330.TW": Taiwan
dollars); without one, simplified script is the mainland's yuan, and traditional script (Hong
Kong or Taiwan) leaves the currency unsaid rather than guess.
"""

from collections.abc import Mapping

from schemas.alert import Event

LOCAL = "LOCAL"


def local_currency(events: list[Event], *, hant: bool, markets: Mapping[str, str]) -> list[Event]:
    """`events` with every `LOCAL` currency resolved (or dropped)."""
    return [_resolved(e, hant, markets) if e.facts.currency == LOCAL else e for e in events]


def _resolved(event: Event, hant: bool, markets: Mapping[str, str]) -> Event:
    exchanges = (ticker.rpartition(".")[2] for ticker in event.tickers)
    by_market = {markets[x] for x in exchanges if x in markets}
    currency = by_market.pop() if len(by_market) == 1 else None if hant else "CNY"
    facts = event.facts.model_copy(update={"currency": currency})
    return event.model_copy(update={"facts": facts})
