"""`redflag ...`: parse arguments, load settings, call a stage. Nothing else lives here."""

import argparse
import asyncio
import io
import os
import sys
from collections.abc import Callable, Sequence

from services import __version__
from services.app.settings import Settings, load_settings
from services.app.statecli import where_options
from services.core.configenv import ENV_PREFIX, NOT_SETTINGS
from services.core.logging import configure_logging
from services.core.settings import ConfigError, LogSettings, config_path
from services.core.sqlite import StateVersionError

#: Exit statuses (README "Exit codes"): kept stable for scripts and cron jobs.
EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
#: What each long-running command needs checked before it starts (services/app/preflight.py).
NEEDS = {
    "run": ("state", "feeds", "channels"),
    "poller": ("state", "feeds"),
    "classifier": ("state",),
    "notifier": ("state", "channels"),
}


def _settings(args: argparse.Namespace, *, required: bool = False) -> Settings:
    """Load the config (and check what this command needs); ConfigError lists every problem."""
    if required and config_path(args.config) is None and not _env_settings():
        raise ConfigError(
            "redflag",
            [
                "no config: pass --config FILE or set REDFLAG_CONFIG (start from a copy of "
                "deploy/config/redflag.example.yaml)"
            ],
        )
    settings = load_settings(args.config)
    if args.command in NEEDS:
        from services.app.preflight import preflight  # noqa: PLC0415 - imports the stages

        problems = preflight(settings, NEEDS[args.command])
        if problems:
            raise ConfigError(str(config_path(args.config) or "environment"), problems)
    configure_logging(settings.log)
    return settings


def _env_settings() -> list[str]:
    return [
        k for k in os.environ if k.upper().startswith(ENV_PREFIX) and k.upper() not in NOT_SETTINGS
    ]


def cmd_run(args: argparse.Namespace) -> int:
    """All stages in one process (embedded)."""
    from services.app.runner import run_embedded  # noqa: PLC0415 - keep `--help` fast

    summary = asyncio.run(run_embedded(_settings(args, required=True), once=args.once))
    if not args.once:
        return EXIT_OK
    print(f"redflag run --once: {summary.line()}")
    return EXIT_OK if summary.ok else EXIT_FAILED


def cmd_stage(args: argparse.Namespace) -> int:
    """One stage on Kafka."""
    from services.app.runner import run_stage  # noqa: PLC0415

    asyncio.run(run_stage(args.command, _settings(args, required=True)))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Offline proof: built-in sample feeds through the embedded pipeline, alerts printed."""
    from services.demo import run_demo  # noqa: PLC0415

    configure_logging(LogSettings(level="warning"))
    return run_demo(sys.stdout)


def cmd_classify(args: argparse.Namespace) -> int:
    """JSON Lines in, one result line out per input line (the `classify` contract)."""
    from services.classifier.core import load_rules  # noqa: PLC0415
    from services.classifier.jsonl import classify_lines, read_lines  # noqa: PLC0415

    settings = _settings(args)
    rules = load_rules(settings.watchlist)
    try:
        stream = (
            # newline="\n": a stray \r inside a line is text, not a line break
            open(args.file, encoding="utf-8", errors="replace", newline="\n")  # noqa: SIM115
            if args.file and args.file != "-"
            else sys.stdin
        )
        if isinstance(stream, io.TextIOWrapper) and stream is sys.stdin:
            stream.reconfigure(newline="\n", errors="replace")  # read as the file above
    except OSError as exc:
        print(f"redflag classify: {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_CONFIG
    bad = False
    out = sys.stdout
    if args.events:
        from services.app.eventbatch import group_lines  # noqa: PLC0415
        from services.events.rules import load_rules as event_rules  # noqa: PLC0415

        results = group_lines(read_lines(stream), rules, event_rules())
    else:
        results = classify_lines(read_lines(stream), rules)
    try:
        for line, ok in results:
            out.write(line + "\n")
            bad = bad or not ok
    finally:
        if stream is not sys.stdin:
            stream.close()
    out.flush()
    return EXIT_FAILED if bad else EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    """Recent events with their reports, sources and deliveries (the notifier's state)."""
    from services.app.statecli import events  # noqa: PLC0415

    return events(args, lambda: _settings(args))


def cmd_deadletter(args: argparse.Namespace) -> int:
    """List dead-lettered deliveries, or send them again (never twice)."""
    from services.app.statecli import deadletter  # noqa: PLC0415

    return deadletter(args, lambda: _settings(args))


def cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch and parse one feed once; print its articles as JSON lines."""
    from services.poller.stage import FeedError, fetch_articles  # noqa: PLC0415

    settings = _settings(args)
    try:
        articles = asyncio.run(fetch_articles(args.url, settings, allow_private=args.allow_private))
    except FeedError as exc:
        why = str(exc).replace("`allow_private: true`", "`allow_private: true` or --allow-private")
        print(f"redflag fetch: {args.url}: {why}", file=sys.stderr)
        return EXIT_FAILED
    for article in articles:
        sys.stdout.write(article.model_dump_json() + "\n")
    return EXIT_OK


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate the config and what it points at; print every problem with its path."""
    from services.app.preflight import preflight, preflight_parts  # noqa: PLC0415 - stages

    try:
        settings = _settings(args, required=True)
    except ConfigError as exc:  # the rest of the checks still run on the parts that are valid
        if exc.data is not None:
            exc.problems += [p for p in preflight_parts(exc.data) if p not in exc.problems]
        raise
    problems = preflight(settings)
    if problems:
        raise ConfigError(str(config_path(args.config) or "environment"), problems)
    enabled = sum(f.enabled for f in settings.feeds)
    print(
        f"config ok: {enabled} feeds enabled of {len(settings.feeds)}, "
        f"{len(settings.watchlist)} watchlist companies, {len(settings.channels)} channels, "
        f"state in {settings.state_dir}"
    )
    return EXIT_OK


def cmd_feeds(args: argparse.Namespace) -> int:
    """Each feed's health, from the poller's state."""
    from services.poller.stage import feed_statuses  # noqa: PLC0415
    from services.poller.status import format_statuses  # noqa: PLC0415

    statuses = feed_statuses(_settings(args))
    print("\n".join(format_statuses(statuses)) if statuses else "no feeds configured")
    return EXIT_OK


def cmd_channels(args: argparse.Namespace) -> int:
    """Channels and their rules, URLs redacted."""
    from services.notifier.stage import list_channels  # noqa: PLC0415

    lines = list_channels(_settings(args))
    print("\n".join(lines) if lines else "no channels configured: alerts print to the console")
    return EXIT_OK


def cmd_test_channel(args: argparse.Namespace) -> int:
    """Send a sample alert to one channel."""
    from services.notifier.stage import NotifyError, test_channel  # noqa: PLC0415

    try:
        print(asyncio.run(test_channel(_settings(args), args.name)))
    except NotifyError as exc:
        print(f"redflag test-channel: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_health(args: argparse.Namespace) -> int:
    """Exit 0 when the stage running here is alive (`--ready`: ready for work)."""
    from services.app.probe import probe  # noqa: PLC0415

    settings = load_settings(args.config)
    ok, message = probe(settings, ready=args.ready, max_age=args.max_age)
    print(message, file=sys.stdout if ok else sys.stderr)
    return EXIT_OK if ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    """The `redflag` command line."""
    parser = argparse.ArgumentParser(
        prog="redflag", description="Alerts on recalls, crashes and target changes in the news."
    )
    parser.add_argument("--version", action="version", version=f"redflag {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str):  # type: ignore[no-untyped-def]
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--config", "-c", help="YAML config file (default: $REDFLAG_CONFIG)")
        p.set_defaults(func=func)
        return p

    add("run", cmd_run, "run every stage in this process (embedded)").add_argument(
        "--once", action="store_true", help="poll each feed once, handle the alerts, exit"
    )
    for stage in ("poller", "classifier", "notifier"):
        add(stage, cmd_stage, f"run the {stage} on Kafka")
    add("demo", cmd_demo, "show alerts from built-in sample feeds (offline)")
    p = add("classify", cmd_classify, "classify JSON Lines articles from FILE or stdin")
    p.add_argument("file", nargs="?", help="JSON Lines file ('-' or none: stdin)")
    p.add_argument("--events", action="store_true", help="group the batch into events")
    p = add("events", cmd_events, "list recent events with their reports and deliveries")
    p.add_argument("--since", default="2d", help="how far back, e.g. 6h, 2d (default 2d)")
    p.add_argument("--company", help="one company (watchlist name or as reported)")
    p.add_argument("--type", choices=("recall", "crash", "target_change"), help="one event type")
    where_options(p)
    p = add("deadletter", cmd_deadletter, "list or re-send dead-lettered deliveries")
    p.add_argument("action", choices=("list", "replay"))
    p.add_argument("alert_ids", nargs="*", metavar="ALERT_ID", help="only these alerts")
    p.add_argument("--channel", help="only this channel")
    p.add_argument("--since", help="only dead-lettered within, e.g. 2h, 1d")
    p.add_argument(
        "--wait", default="60s", help="Kafka: how long replay waits for the senders (0: not)"
    )
    where_options(p)
    p = add("fetch", cmd_fetch, "fetch one feed and print its articles as JSON lines")
    p.add_argument("url", help="http(s)://, file:// URL or a path")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="fetch from a private, loopback or link-local address (an intranet feed)",
    )
    add("check-config", cmd_check_config, "validate the config and list every problem")
    add("feeds", cmd_feeds, "list feeds with their polling health")
    add("channels", cmd_channels, "list channels and their routing rules")
    add("test-channel", cmd_test_channel, "send a sample alert to one channel").add_argument(
        "name", help="channel name from the config"
    )
    health = add("health", cmd_health, "exit 0 when the stage running here is healthy")
    health.add_argument(
        "--ready", action="store_true", help="ready for work (/readyz), not only alive"
    )
    health.add_argument(
        "--max-age", type=float, default=60.0, help="without an ops port: heartbeat age limit"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `redflag` console script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        print(f"{exc.source}: invalid config", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except StateVersionError as exc:
        print(f"redflag {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `redflag fetch URL | head`: the reader left, which is fine
        sys.stderr.close()
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
