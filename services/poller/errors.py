"""Why a feed could not be read: one exception class per cause, each with a one-line message."""


class FeedError(Exception):
    """A feed could not be fetched or parsed; `str(exc)` names the cause in one line."""

    transient = True  # worth retrying with backoff


class FetchFailed(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """The transfer failed: DNS, connection, TLS, timeout, or an HTTP error status."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_fetch_failed, (str(self), self.status, self.retry_after))


def _rebuild_fetch_failed(
    message: str, status: int | None, retry_after: float | None
) -> FetchFailed:
    return FetchFailed(message, status=status, retry_after=retry_after)


class Blocked(FeedError):  # noqa: N818  (reads as the cause: `except Blocked`)
    """The egress policy refused the request: a private, local or oddly spelt address."""


class Gone(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """HTTP 410: the publisher removed the feed for good (RFC 9110 15.5.11)."""

    transient = False


class TooLarge(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """The body passed `poller.max_body_bytes` (decompressed bytes are counted)."""


class EmptyBody(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """The response had no body, or only whitespace."""


class NotAFeed(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """The document is not RSS, RDF, Atom or JSON Feed (an HTML page, an API response...)."""


class Rejected(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """The document is hostile or unreasonable (entity expansion, too many entries)."""


class ParseFailed(FeedError):  # noqa: N818  (reads as the cause: `except Gone`)
    """The parser gave up: it timed out, ran out of memory, or its worker died."""
