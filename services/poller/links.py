"""Links from feeds are untrusted: allow http(s) to public hosts only (services.core.egress's
policy: no private, local or oddly spelt IP hosts), and canonicalise them."""

from urllib.parse import urlsplit, urlunsplit

from schemas.limits import MAX_LINK
from services.core.egress import host_is_public as is_public_host

_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only track the reader; they make one story look like many.
_TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
        "vero_id", "_ga", "_gl", "wt.mc_id", "cmpid", "ncid", "ocid", "sr_share",
        "spm", "share", "taid", "rss", "feedtype", "feedname",
    }
)  # fmt: skip


def _keep_param(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return bool(pair) and not name.startswith("utm_") and name not in _TRACKING


def canonical_link(url: str | None) -> str | None:
    """A safe, canonical http(s) URL, or None: scheme and host lowercased, default port,
    fragment and tracking parameters dropped, credentials dropped."""
    if not url:
        return None
    url = url.strip()
    if not url or len(url) > MAX_LINK:
        return None
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if scheme not in _SCHEMES or not host or not is_public_host(host):
        return None
    netloc = f"[{host}]" if ":" in host else host  # urlsplit lowercased it
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = parts.query
    if query:
        query = "&".join(pair for pair in query.split("&") if _keep_param(pair))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))
