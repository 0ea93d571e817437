"""The egress policy as a function (issue 11): what a feed, a redirect or a hub may reach.
Nothing here connects anywhere."""

import ipaddress

import pytest

from services.core.egress import EgressRefused, address_is_public, check_url


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True), ("2606:4700::1111", True), ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False),
        ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
        ("224.0.0.251", False), ("240.0.0.1", False), ("255.255.255.255", False),
        ("192.0.2.1", False), ("::1", False), ("::", False), ("fe80::1", False),
        ("fc00::1", False), ("ff02::1", False), ("2001:db8::1", False),
        # IPv6 forms that carry a private IPv4 address
        ("::ffff:169.254.169.254", False), ("::ffff:10.0.0.1", False),
        ("64:ff9b::a9fe:a9fe", False), ("64:ff9b:1::a9fe:a9fe", False),
        ("2002:a9fe:a9fe::1", False), ("2002:0a00:0001::1", False), ("::10.0.0.1", False),
    ],
)  # fmt: skip
def test_address_is_public(address: str, public: bool) -> None:
    assert address_is_public(ipaddress.ip_address(address)) is public


def test_teredo_with_a_private_client_is_refused() -> None:
    # Teredo: client address obfuscated (inverted) in the last 32 bits: 10.0.0.1 -> f5ff:fffe
    assert not address_is_public(ipaddress.ip_address("2001:0:4136:e378:8000:63bf:f5ff:fffe"))


@pytest.mark.parametrize(
    ("url", "allow_private", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", False, "non-public address"),
        ("http://0xa9fea9fe/latest/meta-data/", True, "canonical"),
        ("http://2852039166/latest/meta-data/", True, "canonical"),
        ("http://0251.0376.0251.0376/", True, "canonical"),
        ("http://169.254.43518/", True, "canonical"),
        ("http://[::ffff:a9fe:a9fe]/", False, "non-public address"),
        ("http://metadata.internal/", False, "non-public name"),
        ("http://localhost:8080/", False, "non-public name"),
        ("ftp://example.com/feed", False, "scheme"),
        ("file:///etc/passwd", True, "scheme"),
        ("http:///nohost", False, "no host"),
        ("http://example.com:99999/", False, "not a valid URL"),
    ],
)
def test_check_url_refuses(url: str, allow_private: bool, reason: str) -> None:
    with pytest.raises(EgressRefused, match=reason):
        check_url(url, allow_private=allow_private)


@pytest.mark.parametrize(
    ("url", "allow_private"),
    [
        ("https://example.com/feed.xml", False),
        ("http://93.184.216.34:8080/rss", False),
        ("http://[2606:4700::1111]/rss", False),
        ("http://10.0.0.5/intranet.xml", True),
        ("http://localhost:8080/feed", True),
    ],
)
def test_check_url_allows(url: str, allow_private: bool) -> None:
    check_url(url, allow_private=allow_private)
