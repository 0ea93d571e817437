"""The event-matching rules (`rules.yaml`): windows, tolerances and words, read once."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from services.events.products import ProductRules, product_rules

RULES_FILE = Path(__file__).with_name("rules.yaml")


@dataclass(frozen=True)
class Rules:
    """The matching tolerances and words of `rules.yaml`."""

    windows: dict[str, float]  # seconds per event type
    units_tolerance: float
    rounding_cap: float
    value_tolerance: float
    expansion_cues: tuple[str, ...]
    company_suffixes: frozenset[str]
    products: ProductRules  # what a recall is of: components and model names


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> Rules:
    """Read and check the rules file once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    windows = {str(k): float(v) * 3600.0 for k, v in data["window_hours"].items()}
    for kind in ("recall", "crash", "target_change"):
        if windows.get(kind, 0.0) <= 0:
            raise ValueError(f"{path}: window_hours.{kind} must be a positive number")
    return Rules(
        windows=windows,
        units_tolerance=float(data["units_tolerance"]),
        rounding_cap=float(data["rounding_cap"]),
        value_tolerance=float(data["value_tolerance"]),
        expansion_cues=tuple(str(c).casefold() for c in data["expansion_cues"]),
        company_suffixes=frozenset(str(s).casefold() for s in data["company_suffixes"]),
        products=product_rules(
            data["recall_components"],
            data["recall_remedies"],
            data["product_nouns"],
            data["model_stopwords"],
            data["singular_nouns"],
        ),
    )
