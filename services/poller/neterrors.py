"""aiohttp's exceptions in words: `redflag feeds` says "cannot resolve host", not
`ClientConnectorDNSError`."""

import os

import aiohttp


def describe(exc: aiohttp.ClientError) -> str:
    """One plain line for a failed request."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"cannot resolve host {exc.host!r}: no such name in DNS"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate of {exc.host} not accepted: {exc.certificate_error}"
    if isinstance(exc, aiohttp.ClientConnectorSSLError | aiohttp.ClientSSLError):
        return f"TLS handshake failed: {getattr(exc, 'strerror', None) or 'no details'}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        errno = exc.os_error.errno
        why = os.strerror(errno) if errno else str(exc.os_error) or "connection failed"
        return f"cannot connect to {exc.host}:{exc.port}: {why.lower()}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection before answering"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "the response body was cut short or badly encoded"
    if isinstance(exc, aiohttp.InvalidURL):
        return "not a valid URL"
    if isinstance(exc, aiohttp.ClientOSError):
        return f"network error: {(exc.strerror or str(exc)).lower()}"
    return f"request failed: {exc}" if str(exc) else "request failed"
