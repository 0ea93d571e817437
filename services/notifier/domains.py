"""The registered domain of an alert's link, shown beside its source name (issue 11).

A forged or careless feed can call itself "Reuters" and link to `evil.example`; the reader
sees "Reuters (evil.example)". The Public Suffix List comes with the `publicsuffixlist`
package (no download at run time), so `bbc.co.uk` and `user.github.io` come out right.
"""

from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from services.core.egress import EgressRefused, host_is_public, ip_literal


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # ~70 ms to load: once, on the first alert


def link_host(url: str) -> str | None:
    """The host of an http(s) link that passes the egress policy's host checks, else None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or not host_is_public(host):
        return None
    return host


def registered_domain(url: str | None) -> str | None:
    """'https://news.example.com/x' -> 'example.com'; an IP host as itself; None without one."""
    host = link_host(url) if url else None
    if host is None:
        return None
    try:
        if ip_literal(host) is not None:
            return host
    except EgressRefused:
        return None
    return _psl().privatesuffix(host.rstrip(".")) or host
