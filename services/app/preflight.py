"""Checks a valid config can still fail at start: the disk, local feed files, chat URLs.

`redflag check-config` runs all of them; `run` and each stage run the ones for the sections
they use before starting anything, so a mistake is one clear list and exit 2, never a
traceback or a stage that starts and then quietly does nothing.
"""

import os
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.app.settings import Settings
from services.poller.config import FeedConfig
from services.poller.fetcher import is_local, local_path

PARTS = frozenset({"state", "feeds", "channels"})


def preflight(settings: Settings, parts: Collection[str] = PARTS) -> list[str]:
    """One 'path: problem' line per thing that would stop the stages using `parts`."""
    problems: list[str] = []
    if "state" in parts:
        problems += check_state_dir(settings.state_dir)
    if "feeds" in parts:
        problems += check_local_feeds(settings.feeds)
    if "channels" in parts:
        problems += check_channels(settings)
    return problems


def preflight_parts(data: Mapping[str, Any]) -> list[str]:
    """The same checks on what parts of an invalid config are valid on their own, so that
    `check-config` lists every problem in one pass, not the schema's first and then these."""
    problems: list[str] = []
    state_dir = data.get("state_dir", "state")
    if isinstance(state_dir, str | Path):
        problems += check_state_dir(Path(state_dir))
    feeds = data.get("feeds")
    if isinstance(feeds, list):
        problems += check_local_feeds([_valid(FeedConfig, f) for f in feeds])
    return problems


def _valid(model: type[FeedConfig], value: object) -> FeedConfig | None:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None  # already reported by the schema


def check_state_dir(state_dir: Path) -> list[str]:
    """The state dir is writable, or can be created: tried for real (permission bits say
    nothing for root or on a read-only mount), leaving nothing behind."""
    path = state_dir.expanduser()
    if path.exists() and not path.is_dir():
        return [f"state_dir: {str(state_dir)!r} exists but is not a directory"]
    parent = path
    while not parent.exists():
        parent = parent.parent if parent.parent != parent else Path.cwd()
    if not parent.is_dir():
        return [f"state_dir: cannot create {str(state_dir)!r}: {str(parent)!r} is a file"]
    try:
        tempfile.TemporaryDirectory(dir=parent, prefix=".redflag-check-").cleanup()
    except OSError as exc:
        verb = "write in" if parent == path else "create"
        return [f"state_dir: cannot {verb} {str(state_dir)!r}: {exc.strerror}"]
    return []


def check_local_feeds(feeds: Collection[FeedConfig | None]) -> list[str]:
    """An enabled feed that is a local file must be one that can be read."""
    problems = []
    for i, feed in enumerate(feeds):
        if feed is None or not feed.enabled or not is_local(feed.url):
            continue
        path = local_path(feed.url).expanduser()
        if not path.is_file():
            problems.append(f"feeds[{i}].url: no such file: {str(path)!r}")
        elif not os.access(path, os.R_OK):
            problems.append(f"feeds[{i}].url: {str(path)!r} is not readable by this user")
    return problems


def check_channels(settings: Settings) -> list[str]:
    """Each channel URL, environment expanded, is one apprise (or redflag) can send with."""
    from services.notifier.channels import ChannelError, build, close  # noqa: PLC0415 - slow

    problems = []
    for i, config in enumerate(settings.channels):
        try:
            channel = build(config, settings.notifier)
        except ChannelError as exc:
            problems.append(f"channels[{i}].url: {exc}")
        else:
            close([channel])
    ops = settings.notifier.ops_channel
    if ops is not None and ops not in {c.name for c in settings.channels}:
        problems.append(f"notifier.ops_channel: no channel named {ops!r}")
    return problems
