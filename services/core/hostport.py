"""`host:port` listen addresses in config (`metrics.listen`, the health port)."""

import re

_HOSTPORT = re.compile(r"^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]*)):(\d{1,5})$")


def split_hostport(value: str) -> tuple[str, int]:
    """'0.0.0.0:9464' -> ('0.0.0.0', 9464); '[::1]:80' -> ('::1', 80); ValueError otherwise."""
    match = _HOSTPORT.match(value.strip())
    port = int(match.group(3)) if match else -1
    if not match or not 0 < port < 65536:
        raise ValueError(
            f"not a host:port address: {value!r} (e.g. '0.0.0.0:9464', '127.0.0.1:9464', "
            "'[::1]:9464'; the port is 1-65535)"
        )
    return match.group(1) or match.group(2) or "0.0.0.0", port  # noqa: S104 - ':9464' = all
