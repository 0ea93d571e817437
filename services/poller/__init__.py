"""Poller stage: fetch -> parse -> normalise -> dedupe -> publish."""
