"""The stage's ops port: `/healthz` (alive), `/readyz` (ready for work) and `/metrics`.

One small HTTP server per stage on `metrics.listen`, for Docker/Compose health checks,
Kubernetes probes (docs/deploy.md) and Prometheus. Answers are JSON for the probes: 200 when
healthy or ready, 503 with the reasons otherwise.
"""

from aiohttp import web

from services.core.health import READINESS, Readiness
from services.core.hostport import split_hostport
from services.core.metrics import CONTENT_TYPE, render


def make_app(stage: str, readiness: Readiness = READINESS) -> web.Application:
    """The ops endpoints of `stage`."""

    async def healthz(_request: web.Request) -> web.Response:
        # Answering at all shows the loop turns; the ticker shows it turns often enough.
        alive = readiness.alive()
        body = {"stage": stage, "status": "ok" if alive else "stalled"}
        return web.json_response(body, status=200 if alive else 503)

    async def readyz(_request: web.Request) -> web.Response:
        waiting = readiness.reasons()
        if not readiness.alive():
            waiting = ["the event loop has not ticked recently", *waiting]
        body = {"stage": stage, "status": "waiting" if waiting else "ready", "waiting": waiting}
        return web.json_response(body, status=503 if waiting else 200)

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=render(), headers={"Content-Type": CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


async def serve(listen: str, stage: str, readiness: Readiness = READINESS) -> web.AppRunner:
    """Serve the ops endpoints on `host:port`; the caller cleans the runner up."""
    host, port = split_hostport(listen)
    runner = web.AppRunner(make_app(stage, readiness), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
