"""`redflag events` and `redflag deadletter`: the commands that read the notifier's state.

On the embedded runner (and with `--local`) they read this host's `state_dir`; on the Kafka
runner (`--kafka`, the default where a `kafka` section is configured and
`notifier.changelog` is on) the changelog topics, which hold every partition's state
(services/app/statesnapshot.py, deadkafka.py). Exit statuses as services/cli.py's.
"""

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

from services.app.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2  # as services/cli.py's (README "Exit codes")


def where_options(p: argparse.ArgumentParser) -> None:
    """`--kafka` / `--local`: where the state is read from."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--kafka",
        dest="where",
        action="store_const",
        const="kafka",
        help="read the notifier's changelog topics (default when kafka is configured)",
    )
    where.add_argument(
        "--local",
        dest="where",
        action="store_const",
        const="local",
        help="read this host's state_dir only (the embedded runner's default)",
    )


def _seconds(command: str, option: str, value: str) -> float | None:
    """`value` ('2d', '90s') in seconds, or None once the bad option is named on stderr."""
    from services.core.durations import parse_seconds  # noqa: PLC0415

    try:
        return float(parse_seconds(value))  # type: ignore[arg-type]
    except ValueError as exc:
        print(f"redflag {command}: {option}: {exc}", file=sys.stderr)
        return None


def _notifier_state(state_dir: Path, what: str) -> Path | None:
    """The notifier's state file, or None (said on stdout) when no notifier has written one
    there yet: a read-only command must not create it (a mistyped `state_dir` would then
    look like an empty, healthy history)."""
    path = state_dir / "notifier.db"
    if path.is_file():
        return path
    print(f"no {what}: no notifier state at {path} (has the notifier run with this state_dir?)")
    return None


def events(args: argparse.Namespace, load: Callable[[], Settings]) -> int:
    """Recent events with their reports, sources and deliveries (the notifier's state)."""
    from services.events.listing import format_events  # noqa: PLC0415
    from services.notifier.deliverylog import DeliveryLog  # noqa: PLC0415
    from services.notifier.senderlog import with_sender_deliveries  # noqa: PLC0415

    since = _seconds("events", "--since", args.since)
    if since is None:
        return EXIT_CONFIG
    settings = load()
    if _on_kafka(args, settings):
        from services.app.statesnapshot import SnapshotError, recent_events  # noqa: PLC0415

        try:
            found = asyncio.run(
                recent_events(settings, time.time() - since, args.company, args.type)
            )
        except SnapshotError as exc:
            print(f"redflag events: {exc}", file=sys.stderr)
            return EXIT_FAILED
        if found is None:
            print("no events: no notifier state in Kafka (has the notifier run there?)")
            return EXIT_OK
        print("\n".join(format_events(found)) if found else "no events in that window")
        return EXIT_OK
    path = _notifier_state(settings.state_dir, "events")
    if path is None:
        return EXIT_OK
    log = DeliveryLog(path)
    try:
        rows = log.recent_events(time.time() - since, args.company, args.type)
    finally:
        log.close()
    rows = with_sender_deliveries(rows, path.parent)
    print("\n".join(format_events(rows)) if rows else "no events in that window")
    return EXIT_OK


def _on_kafka(args: argparse.Namespace, settings: Settings) -> bool:
    """Read the notifier's state from its changelog topics, not this host's cache."""
    from services.app.deadkafka import uses_kafka  # noqa: PLC0415

    configured = "kafka" in settings.model_fields_set  # in the config file or REDFLAG_KAFKA__*
    return uses_kafka(settings, args.where, kafka_configured=configured)


def deadletter(args: argparse.Namespace, load: Callable[[], Settings]) -> int:
    """List dead-lettered deliveries, or send them again (never twice)."""
    from services.notifier import deadletters  # noqa: PLC0415

    try:
        since = deadletters.window(args.since)
    except ValueError as exc:
        print(f"redflag deadletter: --since: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    wait = _seconds("deadletter", "--wait", args.wait)
    if wait is None:
        return EXIT_CONFIG
    settings = load()
    if _on_kafka(args, settings):
        from services.app.deadkafka import command  # noqa: PLC0415

        said = asyncio.run(
            command(
                settings,
                args.action,
                channel=args.channel,
                since=since,
                alert_ids=args.alert_ids,
                wait=wait,
            )
        )
        if said.error is not None:
            print(f"redflag deadletter: {said.error}", file=sys.stderr)
        print("\n".join(said.lines), end="\n" if said.lines else "")
        return said.status
    if _notifier_state(settings.state_dir, "dead-lettered deliveries") is None:
        return EXIT_OK
    if args.action == "list":
        rows = deadletters.list_dead(settings, args.channel, since, args.alert_ids)
        print("\n".join(deadletters.format_dead(rows)) if rows else "no dead-lettered deliveries")
        return EXIT_OK
    result = asyncio.run(
        deadletters.replay(settings, channel=args.channel, since=since, alert_ids=args.alert_ids)
    )
    print("\n".join(result.lines) if result.lines else "nothing to replay")
    return EXIT_FAILED if result.failed else EXIT_OK
