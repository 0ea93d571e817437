"""Links are allow-listed (http/https, public hosts) and canonicalised."""

import pytest

from services.poller.links import canonical_link, is_public_host


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("HTTPS://Example.COM:443/a?b=1#frag", "https://example.com/a?b=1"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("https://x.com/a?utm_source=rss&id=5&utm_medium=feed&fbclid=z", "https://x.com/a?id=5"),
        ("https://user:pw@example.com/a", "https://example.com/a"),
        ("  https://example.com/padded  ", "https://example.com/padded"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,hi", None),
        ("vbscript:msgbox", None),
        ("file:///etc/passwd", None),
        ("ftp://example.com/x", None),
        ("http://169.254.169.254/latest/meta-data/", None),
        ("http://127.0.0.1:8080/admin", None),
        ("http://localhost/x", None),
        ("http://10.0.0.5/x", None),
        ("http://192.168.1.1/x", None),
        ("http://[::1]/x", None),
        ("http://2130706433/x", None),
        ("http://printer.local/x", None),
        ("http://[2606:4700::1111]/x", "http://[2606:4700::1111]/x"),
        ("https://example.com/" + "a" * 3000, None),
        ("http://example.com:99999/", None),
        ("", None),
        (None, None),
        ("/relative", None),
    ],
)
def test_canonical_link(url: str | None, canonical: str | None) -> None:
    assert canonical_link(url) == canonical


@pytest.mark.parametrize(
    ("host", "public"),
    [("example.com", True), ("8.8.8.8", True), ("127.0.0.1", False), ("10.1", False),
     ("metadata.internal", False), ("224.0.0.1", False), ("0.0.0.0", False),
     # issue 11: non-canonical IPv4 spellings and IPv6 forms that embed a private IPv4
     ("0x7f000001", False), ("0xa9fea9fe", False), ("2130706433", False),
     ("0177.0.0.1", False), ("127.1", False), ("0x08.0x08.0x08.0x08", False),
     ("::ffff:127.0.0.1", False), ("::ffff:a9fe:a9fe", False), ("64:ff9b::a9fe:a9fe", False),
     ("2002:a9fe:a9fe::1", False), ("::127.0.0.1", False), ("fe80::1", False),
     ("100.64.0.1", False), ("2606:4700::1111", True), ("::ffff:8.8.8.8", True),
     ("64:ff9b::808:808", True), ("svc.home.arpa", False)],
)  # fmt: skip
def test_is_public_host(host: str, public: bool) -> None:
    assert is_public_host(host) is public
