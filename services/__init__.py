"""redflag: news-event alerting for traders (poller -> classifier -> notifier)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("redflag")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
