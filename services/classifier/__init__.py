"""Classifier stage: a pure detection core and the consumer loop around it."""
