"""Fixtures shared by the unit tests."""

import pytest

from services.classifier.core import Rules, load_rules


@pytest.fixture(scope="session")
def rules() -> Rules:
    """The classifier's rules without a watchlist (a module may define its own `rules`)."""
    return load_rules()
