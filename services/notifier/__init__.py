"""Notifier stage: routing -> rendering -> pacing -> delivery -> delivery log."""
