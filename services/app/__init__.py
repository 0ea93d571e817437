"""Composition: what wires the stages together (checks before start, runners, the CLI's help)."""
