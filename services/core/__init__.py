"""Shared plumbing: settings, logging, bus, state."""
