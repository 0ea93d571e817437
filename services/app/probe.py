"""`redflag health`: ask the stage running here whether it is alive or ready.

With an ops port (`metrics.listen`, on in the image and in Compose) it asks `/healthz` or
`/readyz`, as a Kubernetes probe would; without one it reads the stage's heartbeat file.
"""

import json
import urllib.error
import urllib.request

from services.app.settings import Settings
from services.core.health import check
from services.core.hostport import split_hostport

_ANY = {"", "0.0.0.0", "::"}  # noqa: S104 - a wildcard listen is asked on loopback


def probe(settings: Settings, *, ready: bool, max_age: float) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    if settings.metrics.listen is None:
        problems = check(settings.state_dir, max_age)
        if problems:
            return False, "; ".join(problems)
        return True, "alive (heartbeat; set metrics.listen for /healthz and /readyz)"
    host, port = split_hostport(settings.metrics.listen)
    host = {"::": "::1"}.get(host, "127.0.0.1" if host in _ANY else host)
    where = f"[{host}]" if ":" in host else host
    path = "/readyz" if ready else "/healthz"
    url = f"http://{where}:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:  # 503: alive but stalled, or not ready
        try:
            body = json.loads(exc.read())
        except ValueError:
            return False, f"{url} answered {exc.code}"
        waiting = "; ".join(body.get("waiting") or []) or body.get("status", "")
        return False, f"{body.get('stage', 'stage')} not {'ready' if ready else 'alive'}: {waiting}"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"no stage answers on {url}: {reason}"
    return True, f"{body.get('stage', 'stage')} {'ready' if ready else 'alive'}"
