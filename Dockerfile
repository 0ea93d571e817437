# syntax=docker/dockerfile:1
# One image, many commands: `docker run redflag poller|classifier|notifier|run|...`.
# Compose picks the stage with `command:` (see deploy/docker-compose.yml, docs/deploy.md).

# Pin the minor version and the Debian release; bump both on purpose (docs/deploy.md, "Upgrading").
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: a venv at /opt/venv holding redflag and its pinned dependencies ----------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# Same path as in the final stage: a venv's scripts carry its absolute path in their shebangs.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# A C compiler for the wheel's compiled classifier (hatch_build.py, mypyc); only this stage
# has one: the runtime image gets the built extensions, not the compiler.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from the lock alone, so a source change does not re-download them.
COPY constraints.txt ./
RUN pip install -r constraints.txt

# Then redflag itself, as a wheel, resolved against the same lock (`-c`) and offline
# (`--no-index`): a dependency the lock does not pin, or pins outside pyproject's range, fails
# the build here instead of being fetched unpinned.
COPY pyproject.toml README.md hatch_build.py ./
COPY schemas ./schemas
COPY services ./services
# `require`: a wheel that could not be compiled fails the build instead of shipping slower.
RUN REDFLAG_COMPILE=require pip wheel --no-deps --wheel-dir /wheels . \
    && pip install --no-index -c constraints.txt /wheels/redflag-*.whl \
    && pip check

# --- runtime: the venv, a non-root user, nothing else ----------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="redflag" \
      org.opencontainers.image.description="News-event alerting: recalls, crashes and target changes." \
      org.opencontainers.image.licenses="Apache-2.0"

# A fixed numeric uid/gid so volume ownership survives rebuilds and `runAsNonRoot` can check it.
ARG UID=10001
ARG GID=10001
RUN groupadd --system --gid "${GID}" redflag \
    && useradd --system --uid "${UID}" --gid redflag --home-dir /var/lib/redflag \
       --no-create-home --shell /usr/sbin/nologin redflag \
    && install -d -o redflag -g redflag -m 0750 /var/lib/redflag \
    && install -d -m 0755 /etc/redflag

COPY --from=builder /opt/venv /opt/venv
# A default config so the image starts on its own; deployments mount their own over it.
COPY deploy/config/redflag.example.yaml /etc/redflag/redflag.yaml

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REDFLAG_CONFIG=/etc/redflag/redflag.yaml \
    REDFLAG_STATE_DIR=/var/lib/redflag \
    REDFLAG_METRICS__LISTEN=0.0.0.0:9464

# The ops port: /healthz (alive), /readyz (ready for work), /metrics (Prometheus).
EXPOSE 9464

# Fill the classifier's start-up cache (expanded lexicons, ~/.cache/redflag in the state
# dir) so the first start is a warm one; before VOLUME, since a build step's changes under a
# declared volume are dropped. A new named volume copies it; a changed lexicon rebuilds it.
RUN printf '{"id":"warm-up","title":"Toyota recalls 40,000 cars"}\n' \
    | HOME=/var/lib/redflag redflag classify >/dev/null \
    && chown -R redflag:redflag /var/lib/redflag/.cache

# Created above owned by redflag: a new named volume copies that ownership, so the non-root
# process can write its state (seen ids, delivery log, heartbeat) without a chown at start.
VOLUME ["/var/lib/redflag"]
WORKDIR /var/lib/redflag
USER 10001:10001

# `redflag health` asks the ops port's /healthz: exit 0 while the event loop turns. Liveness,
# not readiness, on purpose: Swarm restarts an unhealthy task, and a stage waiting for its
# broker is not helped by a restart. Compose checks readiness (`redflag health --ready`).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["redflag", "health"]

# Stages drain on SIGTERM (Docker's default stop signal); give them `stop_grace_period`.
ENTRYPOINT ["redflag"]
CMD ["run"]
