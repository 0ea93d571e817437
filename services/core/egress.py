"""One egress policy for every outbound request: feeds, each redirect hop, WebSub hubs, links.

A feed, a redirect or a hub URL is chosen by whoever runs the feed, so a request must not
reach inside our network (cloud metadata at 169.254.169.254, an admin port on loopback, a
service on 10/8). The policy:
  * only canonical dotted-quad IPv4 literals: `0x7f000001`, `2130706433`, `0177.1`, `10.1`
    are what `inet_aton` accepts, not what a person reads, so they are refused outright;
  * an address is public when it is globally routable, not multicast, and, for IPv6 forms
    that embed an IPv4 address (IPv4-mapped/-compatible, NAT64 64:ff9b::/96 and /48,
    6to4 2002::/16, Teredo), when the embedded IPv4 address is public too;
  * names are resolved and the private results dropped *in the resolver the connector uses*
    (`GuardedResolver`), so the address checked is the address connected to: a name that
    answers public to a check and private to the connection (DNS rebinding) gets nowhere.
"""

import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]

_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_CANONICAL_V4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
)
_NUMERIC_LABEL = re.compile(r"(?i)(?:0x[0-9a-f]*|\d+)")
SCHEMES = frozenset({"http", "https"})


class EgressRefused(OSError):  # noqa: N818  (a refusal, named like FetchFailed)
    """A request the policy does not allow; an OSError so aiohttp reports it as a DNS error."""


class NonPublic(EgressRefused):
    """The host is (or resolves only to) a loopback/private/link-local/... address or name."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the embedding forms."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def address_is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (and, for embedding forms, its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        inner = _embedded_ipv4(address)
        if inner is not None:
            return address_is_public(inner)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def looks_numeric(host: str) -> bool:
    """True for a host every dot-label of which is a number (decimal, octal or hex)."""
    labels = host.rstrip(".").split(".")
    return all(_NUMERIC_LABEL.fullmatch(label) for label in labels)


def ip_literal(host: str) -> IPAddress | None:
    """The address of a host that is an IP literal; None for a DNS name.

    Raises EgressRefused for a non-canonical IPv4 spelling (hex, octal, integer, short)."""
    host = host.strip("[]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise EgressRefused(f"{host!r} is not a valid IPv6 address") from None
    if not looks_numeric(host):
        return None
    if not _CANONICAL_V4.fullmatch(host):
        raise EgressRefused(f"{host!r} is not a canonical IPv4 address")
    return ipaddress.IPv4Address(host)


def host_is_public(host: str, allowed: AddressPolicy = address_is_public) -> bool:
    """False for local names, non-public or non-canonical IP literals; True for other names
    (what they resolve to is checked when connecting)."""
    host = host.lower().rstrip(".")
    if not host or host in _LOCAL_NAMES or host.endswith(_LOCAL_NAMES):
        return False
    try:
        address = ip_literal(host)
    except EgressRefused:
        return False
    return address is None or allowed(address)


def check_url(url: str, *, allow_private: bool, allowed: AddressPolicy = address_is_public) -> str:
    """The URL's host after the policy's checks; raises EgressRefused with the reason."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise EgressRefused(f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise EgressRefused(f"scheme {parts.scheme or '(none)'!r} is not http or https")
    if not host:
        raise EgressRefused("the URL has no host")
    address = ip_literal(host)  # non-canonical spellings are refused even when private is ok
    if not allow_private and not host_is_public(host, allowed):
        what = "address" if address is not None else "name"
        raise NonPublic(f"{host} is a non-public {what}")
    return host


class GuardedResolver(AbstractResolver):
    """Resolves with `inner` and keeps only the addresses the policy allows; the connector
    connects to what this returns, so the check is on the address actually connected to."""

    def __init__(
        self, inner: AbstractResolver | None = None, allowed: AddressPolicy = address_is_public
    ) -> None:
        self.inner = inner if inner is not None else DefaultResolver()
        self.allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The allowed addresses of `host`; EgressRefused when none is."""
        if not host_is_public(host, self.allowed):
            raise NonPublic(f"{host} is a non-public name")
        results = await self.inner.resolve(host, port, family)
        kept = [r for r in results if self._ok(r["host"])]
        if not kept:
            raise NonPublic(f"{host} resolves only to non-public addresses")
        return kept

    def _ok(self, address: str) -> bool:
        try:
            return self.allowed(ipaddress.ip_address(address.split("%", 1)[0]))
        except ValueError:
            return False

    async def close(self) -> None:
        """Close the inner resolver."""
        await self.inner.close()
